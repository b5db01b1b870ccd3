import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

/**
 * apaleo's published Swagger 2.0 documents (test/fixtures/vendors/apaleo, see PROVENANCE.md) as a
 * request validator: the operation is found by method and path template, then every path and query
 * parameter is checked against its declared schema (JSON Schema draft 4 via ajv-draft-04: type,
 * format, enum, items), the required ones must be present, an undeclared one is refused (the real
 * API would silently ignore a misspelt filter), arrays are one comma-separated value (Swagger 2.0's
 * default collectionFormat `csv`, which apaleo's documents use), and a body is checked against its
 * body parameter's schema. The rules apaleo states in prose on its date-time parameters are checked
 * too: no fractional seconds, `to` after `from`.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/vendors/apaleo');

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'body' | 'formData';
  required?: boolean;
  type?: string;
  format?: string;
  collectionFormat?: string;
  items?: Json;
  schema?: Json;
  [k: string]: unknown;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { schema?: Json }>;
}
interface SwaggerDoc {
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, Json>;
}

export function loadDocument(file: string): SwaggerDoc {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as SwaggerDoc;
}

/** The documents the fake serves: Booking v1 and Inventory v1. */
export const DOCUMENTS = ['booking-v1.json', 'inventory-v1.json'].map(loadDocument);

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  operation: Operation;
  doc: SwaggerDoc;
}

const ROUTES: Route[] = DOCUMENTS.flatMap((doc) =>
  Object.entries(doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops)
      .filter(([m]) => m !== 'parameters')
      .map(([method, operation]) => {
        const names: string[] = [];
        const pattern = new RegExp(`^${template.replace(/[$.]/g, (c) => `\\${c}`).replace(/\{([^}]+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
        return { method: method.toUpperCase(), template, pattern, names, operation, doc };
      }),
  ),
);

// A CommonJS module: its class is `default` under jest's ESM loader, the module itself under Node's.
type Ajv04Class = typeof Ajv04Module.default;
const Ajv04: Ajv04Class = (Ajv04Module as unknown as { default?: Ajv04Class }).default ?? (Ajv04Module as unknown as Ajv04Class);
const ajv = new Ajv04({ allErrors: true, strict: false });
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: InstanceType<Ajv04Class>) => void;
addFormats(ajv);

/** A parameter's own JSON Schema: its Swagger keywords minus the ones that only describe where it travels. */
function schemaOf(p: Parameter): Json {
  const { name: _n, in: _i, required: _r, description: _d, collectionFormat: _c, default: _def, ...schema } = p;
  return schema;
}

const compiled = new WeakMap<Parameter, ReturnType<typeof ajv.compile>>();
function compiledParameter(p: Parameter): ReturnType<typeof ajv.compile> {
  let v = compiled.get(p);
  if (!v) compiled.set(p, (v = ajv.compile(schemaOf(p))));
  return v;
}

export interface MatchedOperation {
  template: string;
  operationId: string | undefined;
  params: Record<string, string>;
  secured: boolean;
}

/**
 * Checks one request against the documents; returns the operation and its violations (empty when the
 * request is valid). `query` holds every value of each name, in order.
 */
export function validateRequest(method: string, path: string, query: Map<string, string[]>, body: string): { operation?: MatchedOperation; violations: string[] } {
  const route = ROUTES.find((r) => r.method === method && r.pattern.test(path));
  if (!route) return { violations: [`${method} ${path}: no such operation in apaleo's documents`] };
  const where = `${method} ${route.template}`;
  const violations: string[] = [];
  const params: Record<string, string> = {};
  const m = route.pattern.exec(path)!;
  route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
  const declared = route.operation.parameters ?? [];
  const check = (p: Parameter, value: unknown) => {
    const validate = compiledParameter(p);
    if (!validate(value)) violations.push(`${where}: ${p.in} parameter '${p.name}' ${ajv.errorsText(validate.errors, { dataVar: p.name })}`);
  };
  const coerce = (p: Parameter, raw: string): unknown => {
    if (p.type === 'integer' || p.type === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    if (p.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
    if (p.type === 'array') return raw.split(',');
    return raw;
  };
  for (const p of declared.filter((d) => d.in === 'path')) check(p, coerce(p, params[p.name] ?? ''));
  for (const [name, values] of query) {
    const p = declared.find((d) => d.in === 'query' && d.name === name);
    if (!p) {
      violations.push(`${where}: query parameter '${name}' is not declared`);
      continue;
    }
    if (values.length > 1 && p.collectionFormat !== 'multi') violations.push(`${where}: query parameter '${name}' given ${values.length} times (collectionFormat ${p.collectionFormat ?? 'csv'}: one comma-separated value)`);
    const value = coerce(p, values.join(','));
    check(p, value);
    params[name] = values.join(',');
    // apaleo, in every date-time parameter's description: "A date and time (without fractional second part)".
    if (p.format === 'date-time' && /\.\d/.test(String(value))) violations.push(`${where}: query parameter '${name}' has a fractional second part`);
  }
  for (const p of declared.filter((d) => d.in === 'query' && d.required)) if (!query.has(p.name)) violations.push(`${where}: required query parameter '${p.name}' is missing`);
  if (params.from && params.to && Date.parse(params.to) <= Date.parse(params.from)) violations.push(`${where}: 'to' must be larger than 'from'`);
  const bodyParam = declared.find((d) => d.in === 'body');
  if (bodyParam) {
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      violations.push(`${where}: body is not JSON`);
    }
    if (parsed === undefined && bodyParam.required) violations.push(`${where}: body is required`);
    if (parsed !== undefined) {
      const validate = ajv.compile({ ...bodyParam.schema, definitions: route.doc.definitions });
      if (!validate(parsed)) violations.push(`${where}: body ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    }
  } else if (body.length > 0) violations.push(`${where}: the operation takes no body`);
  return { operation: { template: route.template, operationId: route.operation.operationId, params, secured: !!route.operation.security?.length }, violations };
}

const responseValidators = new WeakMap<Json, ReturnType<typeof ajv.compile>>();

/**
 * Checks one of the fake's own answers against the operation's response schema, so the fake cannot
 * drift from what apaleo documents (a test reads these problems as violations too).
 */
export function validateResponse(method: string, path: string, status: number, body: unknown): string[] {
  const route = ROUTES.find((r) => r.method === method && r.pattern.test(path));
  const schema = route?.operation.responses?.[String(status)]?.schema;
  if (!route || !schema) return [];
  let validate = responseValidators.get(schema);
  if (!validate) responseValidators.set(schema, (validate = ajv.compile({ ...schema, definitions: route.doc.definitions })));
  return validate(body) ? [] : [`fake answered ${method} ${route.template} ${status} off the documented schema: ${ajv.errorsText(validate.errors?.slice(0, 3), { dataVar: 'response' })}`];
}

/** A definition's example from the documents (apaleo ships them as JSON text or as objects). */
export function exampleOf(definition: string): Json {
  for (const doc of DOCUMENTS) {
    const ex = doc.definitions[definition]?.example;
    if (ex !== undefined) return (typeof ex === 'string' ? JSON.parse(ex) : structuredClone(ex)) as Json;
  }
  throw new Error(`no example of ${definition} in apaleo's documents`);
}
