import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { SwaggerValidator, type Match } from '../swagger2-validator.js';

/**
 * Square's published specification (test/fixtures/vendors/square, see PROVENANCE.md): the Orders and
 * Locations operations of the 2024-10-17 Swagger 2.0 document, through the Swagger validator every
 * Swagger-documented fake uses, and the order webhook event schemas of the current OpenAPI 3.0
 * document. Here only what Square adds: the rules it states in prose, and its strictness about
 * unknown body fields.
 */

type Json = Record<string, unknown>;

const fixture = (f: string) => new URL(`../../../fixtures/vendors/square/${f}`, import.meta.url);

/**
 * Square refuses a body field it does not know (`UNKNOWN_BODY_PARAMETER`, one of its generic error
 * codes), which the document's schemas do not say: the request objects we send are read as closed.
 */
const CLOSED_REQUEST_OBJECTS = new Set(['SearchOrdersRequest', 'SearchOrdersQuery', 'SearchOrdersFilter', 'SearchOrdersStateFilter', 'SearchOrdersDateTimeFilter', 'TimeRange', 'SearchOrdersSort', 'BatchRetrieveOrdersRequest']);

let validator: SwaggerValidator | undefined;
/** Compiled once per test process, before a fake listens. */
export function squareSpec(): SwaggerValidator {
  validator ??= new SwaggerValidator([fixture('orders-locations-v2.json')], {
    reading(key, value) {
      if (key !== 'definitions' || !value || typeof value !== 'object') return value;
      const defs = value as Record<string, Json>;
      for (const name of CLOSED_REQUEST_OBJECTS) if (defs[name]) defs[name] = { ...defs[name], additionalProperties: false };
      return defs;
    },
  });
  return validator;
}

/** Square's OrderState values (the document types `state` as a string and lists them in prose). */
export const ORDER_STATES = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'];
const SORT_FIELDS = ['CREATED_AT', 'UPDATED_AT', 'CLOSED_AT'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** What Square states in prose on SearchOrders and BatchRetrieveOrders, which the schemas cannot express. */
export function proseViolations(match: Match): string[] {
  const out: string[] = [];
  const body = (match.body ?? {}) as Json;
  if (match.operation.operationId === 'SearchOrders') {
    const ids = (body.location_ids as unknown[] | undefined) ?? [];
    if (ids.length === 0) out.push('location_ids: SearchOrders needs the locations to search');
    if (ids.length > 10) out.push('location_ids: at most 10 location IDs');
    if (typeof body.limit === 'number' && body.limit > 1000) out.push('limit: at most 1000');
    const query = (body.query ?? {}) as Json;
    const filter = (query.filter ?? {}) as Json;
    const sort = query.sort as Json | undefined;
    if (sort && !SORT_FIELDS.includes(String(sort.sort_field))) out.push(`sort.sort_field '${String(sort.sort_field)}' is not a timestamp field`);
    if (sort?.sort_order !== undefined && !['ASC', 'DESC'].includes(String(sort.sort_order))) out.push(`sort.sort_order '${String(sort.sort_order)}' is neither ASC nor DESC`);
    const states = ((filter.state_filter as Json | undefined)?.states as unknown[] | undefined) ?? [];
    for (const s of states) if (!ORDER_STATES.includes(String(s))) out.push(`state_filter.states: '${String(s)}' is not an OrderState`);
    const dtf = filter.date_time_filter as Record<string, Json> | undefined;
    if (dtf) {
      const fields = Object.keys(dtf);
      if (fields.length !== 1) out.push('date_time_filter: exactly one time range at a time');
      // "If you use the DateTimeFilter … you must set the sort_field … to the same field you filter for."
      const field = fields[0];
      if (field && String(sort?.sort_field ?? 'CREATED_AT') !== field.toUpperCase()) out.push(`date_time_filter on ${field} needs sort.sort_field ${field.toUpperCase()}`);
      for (const [f, range] of Object.entries(dtf)) {
        for (const k of ['start_at', 'end_at']) if (range[k] !== undefined && !RFC3339.test(String(range[k]))) out.push(`date_time_filter.${f}.${k} is not RFC 3339`);
      }
    }
  }
  if (match.operation.operationId === 'BatchRetrieveOrders') {
    const ids = (body.order_ids as unknown[] | undefined) ?? [];
    if (ids.length === 0 || ids.length > 100) out.push('order_ids: 1 to 100 order IDs');
  }
  return out;
}

/** A definition's example from the Swagger document (the fake's data starts from them). */
export function exampleOf(definition: string): Json {
  for (const doc of squareSpec().documents.values()) {
    const ex = (doc.definitions as Record<string, Json> | undefined)?.[definition]?.example;
    if (ex !== undefined) return structuredClone(ex) as Json;
  }
  throw new Error(`no example of ${definition} in Square's document`);
}

let events: { ajv: Ajv; doc: Json; compiled: Map<string, ValidateFunction> } | undefined;
/** Errors of a webhook event against its OpenAPI 3.0 schema (OrderCreatedEvent, OrderUpdatedEvent); `nullable` is ajv's OpenAPI keyword. */
export function eventErrors(schema: 'OrderCreatedEvent' | 'OrderUpdatedEvent', event: unknown): string[] {
  if (!events) {
    // OpenAPI 3.0 puts `nullable` beside a `$ref` (where JSON Schema ignores siblings) or without a type: read as "this, or null".
    const doc = JSON.parse(readFileSync(fixture('webhook-events.json'), 'utf8'), (_key, value: unknown) => {
      if (!value || typeof value !== 'object' || Array.isArray(value) || (value as Json).nullable !== true || 'type' in (value as Json)) return value;
      const { nullable: _n, $ref, ...rest } = value as Json;
      return $ref ? { ...rest, anyOf: [{ $ref }, { type: 'null' }] } : rest;
    }) as Json;
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema({ $id: 'urn:square:events', components: doc.components });
    events = { ajv, doc, compiled: new Map() };
  }
  let validate = events.compiled.get(schema);
  if (!validate) events.compiled.set(schema, (validate = events.ajv.compile({ $ref: `urn:square:events#/components/schemas/${schema}` })));
  return validate(event) ? [] : (validate.errors ?? []).map((e) => `${schema}${e.instancePath} ${e.message ?? 'is invalid'}`);
}

/** A schema's documented example (Square ships one per event). */
export function eventExample(schema: 'OrderCreatedEvent' | 'OrderUpdatedEvent'): Json {
  eventErrors(schema, {});
  return structuredClone(((events!.doc.components as Json).schemas as Record<string, Json>)[schema]!.example) as Json;
}
