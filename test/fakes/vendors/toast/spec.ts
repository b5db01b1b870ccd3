import { SwaggerValidator, type Match } from '../swagger2-validator.js';

/**
 * Toast's published specification (test/fixtures/vendors/toast, see PROVENANCE.md): the orders API
 * 2.9.0, restaurants API 1.0.0 and authentication API 1.0.0 Swagger 2.0 documents, through the
 * Swagger validator every Swagger-documented fake uses. Here only what Toast states in prose.
 */

const fixture = (f: string) => new URL(`../../../fixtures/vendors/toast/${f}`, import.meta.url);

/**
 * Toast names standards as formats (`ISO-8601`, `ISO 3166-2`) and writes `UUID` and `string`, which
 * JSON Schema has no validator for: `UUID` is read as `uuid`, the others as the plain strings they
 * are (what ordersBulk's instants must look like is a prose rule below).
 */
const NO_FORMAT = new Set(['ISO-8601', 'ISO 3166-2', 'string']);
const reading = (key: string, value: unknown) => (key !== 'format' ? value : value === 'UUID' ? 'uuid' : NO_FORMAT.has(String(value)) ? undefined : value);

let validator: SwaggerValidator | undefined;
/** Compiled once per test process, before a fake listens. */
export function toastSpec(): SwaggerValidator {
  validator ??= new SwaggerValidator([fixture('authentication-v1.json'), fixture('orders-v2.json'), fixture('restaurants-v1.json')], {
    reading,
  });
  return validator;
}

/** `2016-01-01T14:13:12.000+0400`: ISO 8601 "including a decimal fraction of a second", as ordersBulk's startDate and endDate show it. */
const TOAST_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}([+-]\d{4}|[+-]\d{2}:\d{2}|Z)$/;
/** Toast's earliest startDate: "The date must be after 2015-12-01T00:00:00.000+0000". */
const EARLIEST = Date.parse('2015-12-01T00:00:00.000Z');

/** Parses Toast's instant form (Date.parse wants a colon in the offset). */
export function parseToastInstant(v: string): number {
  return Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** What Toast states in prose about ordersBulk and the login, which the schemas cannot express. */
export function proseViolations(match: Match, query: URLSearchParams): string[] {
  const out: string[] = [];
  if (match.operation.operationId === 'ordersBulkGet') {
    const start = query.get('startDate');
    const end = query.get('endDate');
    const day = query.get('businessDate');
    // "Specify both startDate and endDate … Specify the businessDate …": one selection or the other.
    if (day !== null && (start !== null || end !== null)) out.push('businessDate together with startDate/endDate');
    if (day === null && (start === null || end === null)) out.push('needs both startDate and endDate, or businessDate');
    if (day !== null && !/^\d{8}$/.test(day)) out.push(`businessDate '${day}' is not yyyymmdd`);
    for (const [name, v] of [['startDate', start], ['endDate', end]] as const) if (v !== null && !TOAST_INSTANT.test(v)) out.push(`${name} '${v}' is not ISO 8601 with a fraction of a second`);
    if (start !== null && end !== null && TOAST_INSTANT.test(start) && TOAST_INSTANT.test(end)) {
      if (parseToastInstant(end) <= parseToastInstant(start)) out.push('endDate must be later than startDate');
      if (parseToastInstant(start) <= EARLIEST) out.push('startDate must be after 2015-12-01T00:00:00.000+0000');
    }
    const pageSize = query.get('pageSize');
    // "The maximum pageSize is 100."
    if (pageSize !== null && !(Number(pageSize) >= 1 && Number(pageSize) <= 100)) out.push(`pageSize ${pageSize}: 1 to 100`);
    const page = query.get('page');
    if (page !== null && !(Number(page) >= 1)) out.push(`page ${page}: pages count from 1`);
  }
  if (match.operation.operationId === 'authenticationLoginPost') {
    const body = (match.body ?? {}) as Record<string, unknown>;
    // "Always include the userAccessType value and set it to TOAST_MACHINE_CLIENT."
    if (body.userAccessType !== 'TOAST_MACHINE_CLIENT') out.push('userAccessType must be TOAST_MACHINE_CLIENT');
    for (const k of ['clientId', 'clientSecret']) if (typeof body[k] !== 'string' || body[k] === '') out.push(`${k} is required`);
  }
  return out;
}
