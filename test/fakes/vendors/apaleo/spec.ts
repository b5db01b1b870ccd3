import { SwaggerValidator, type Match } from '../swagger2-validator.js';

/**
 * apaleo's published Swagger 2.0 documents (test/fixtures/vendors/apaleo, see PROVENANCE.md),
 * Booking v1 and Inventory v1, through the Swagger validator every Swagger-documented fake uses;
 * here only what apaleo adds to them: the rules it states in prose, and the examples the fake's
 * data starts from.
 */

type Json = Record<string, unknown>;

const FILES = ['booking-v1.json', 'inventory-v1.json'].map((f) => new URL(`../../../fixtures/vendors/apaleo/${f}`, import.meta.url));

let validator: SwaggerValidator | undefined;
/** Compiled once per test process, before a fake listens (a client timeout would retry a first request that waited for it). */
export function apaleoSpec(): SwaggerValidator {
  validator ??= new SwaggerValidator(FILES);
  return validator;
}

/**
 * What apaleo states in prose on its date-time parameters and ajv cannot read from the schema:
 * "A date and time (without fractional second part)", and `to` must be larger than `from`.
 */
export function proseViolations(match: Match, query: URLSearchParams): string[] {
  const out: string[] = [];
  for (const p of match.operation.parameters) {
    const value = p.in === 'query' && p.format === 'date-time' ? query.get(p.name) : null;
    if (value !== null && /\.\d/.test(value)) out.push(`query parameter '${p.name}' has a fractional second part`);
  }
  const from = query.get('from');
  const to = query.get('to');
  if (from && to && Date.parse(to) <= Date.parse(from)) out.push(`'to' must be larger than 'from'`);
  return out;
}

/** A definition's example from the documents (apaleo ships them as JSON text or as objects). */
export function exampleOf(definition: string): Json {
  for (const doc of apaleoSpec().documents.values()) {
    const ex = (doc.definitions as Record<string, Json> | undefined)?.[definition]?.example;
    if (ex !== undefined) return (typeof ex === 'string' ? JSON.parse(ex) : structuredClone(ex)) as Json;
  }
  throw new Error(`no example of ${definition} in apaleo's documents`);
}
