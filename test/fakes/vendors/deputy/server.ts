import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson as send } from '../documented-operations.js';
import { FaultQueue, type Fault } from '../faults.js';
import { listenOnLoopback } from '../loopback.js';
import { deputyDataset, stamp, type DeputyData, type FakeTimesheet } from './dataset.js';

/**
 * A fake Deputy install on a free loopback port, answering the Resource API from a stateful dataset
 * (dataset.ts): `POST /api/v1/resource/{Timesheet|OperationalUnit|Employee|LeaveRules}/QUERY` (search, sort,
 * start/max paging) and `GET /api/v1/resource/{Object}/{Id}`.
 * Every request is checked against the shapes Deputy documents (test/fixtures/vendors/deputy/
 * operations.json, PROVENANCE.md): an unknown body key, an undocumented field or search type, `max`
 * above 500 is answered 400 and recorded in `violations`, so a contract test fails on any. Faults can
 * be queued: a 500, a 429 with Retry-After, or a request that is never answered.
 */

export const ACCESS_TOKEN = 'fake-deputy-permanent-token';
export const WEBHOOK_TOKEN = 'fake-deputy-webhook-url-token-0123456789';

export type { Fault };

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
}

export interface DeputyFake {
  url: string;
  data: DeputyData;
  violations: string[];
  requests: RecordedRequest[];
  fault(fault: Fault, pathPattern?: RegExp): void;
  /** Changes a timesheet as Deputy would (Modified stamped now). */
  edit(id: number, changes: Partial<FakeTimesheet>): FakeTimesheet;
  /** The body Deputy would POST to a webhook Address about a timesheet. */
  webhook(topic: string, id: number): string;
  close(): Promise<void>;
}

interface Spec {
  queryBody: { allowedKeys: string[]; maxLimit: number; searchTypes: string[]; sortDirections: string[] };
  objects: Record<string, Record<string, string>>;
}
const spec = JSON.parse(readFileSync(new URL('../../../fixtures/vendors/deputy/operations.json', import.meta.url), 'utf8')) as Spec;

type Row = Record<string, unknown>;
interface Term {
  field: string;
  type: string;
  data: unknown;
}

/** Deputy compares a Date field by its date and DateTime fields as instants; the rest as given. */
function comparable(value: unknown, fieldType: string): number | string {
  if (fieldType === 'Date') return String(value).slice(0, 10);
  if (fieldType === 'DateTime') return Date.parse(String(value));
  return typeof value === 'boolean' ? Number(value) : (value as number);
}

function matches(row: Row, term: Term, fieldType: string): boolean {
  const a = comparable(row[term.field], fieldType);
  if (term.type === 'in') return (term.data as unknown[]).some((d) => comparable(d, fieldType) === a);
  const b = comparable(term.data, fieldType);
  switch (term.type) {
    case 'eq': return a === b;
    case 'ne': return a !== b;
    case 'gt': return a > b;
    case 'ge': return a >= b;
    case 'lt': return a < b;
    case 'le': return a <= b;
  }
  return false;
}

/** The documented QUERY body rules; the list of what is wrong with `body`. */
function bodyErrors(object: string, body: unknown): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return ['body must be a JSON object'];
  const fields = spec.objects[object]!;
  const errors: string[] = [];
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!spec.queryBody.allowedKeys.includes(key)) errors.push(`unknown body key '${key}'`);
  if (b.start !== undefined && !(Number.isInteger(b.start) && (b.start as number) >= 0)) errors.push('start must be a non-negative integer');
  if (b.max !== undefined && !(Number.isInteger(b.max) && (b.max as number) >= 1 && (b.max as number) <= spec.queryBody.maxLimit)) errors.push(`max must be an integer from 1 to ${spec.queryBody.maxLimit}`);
  for (const [name, term] of Object.entries((b.search ?? {}) as Record<string, unknown>)) {
    const t = term as Partial<Term>;
    const extra = Object.keys(t).filter((k) => !['field', 'type', 'data', 'join'].includes(k));
    if (extra.length) errors.push(`search ${name}: unknown keys ${extra.join(', ')}`);
    if (!t.field || !(t.field in fields)) errors.push(`search ${name}: '${String(t.field)}' is not a field of ${object}`);
    if (!t.type || !spec.queryBody.searchTypes.includes(t.type)) errors.push(`search ${name}: unknown type '${String(t.type)}'`);
    if (t.type === 'in' && !Array.isArray(t.data)) errors.push(`search ${name}: 'in' needs an array`);
    if (t.field && fields[t.field] === 'Date' && t.type !== 'in' && !/^\d{4}-\d{2}-\d{2}/.test(String(t.data))) errors.push(`search ${name}: ${t.field} must be a date`);
    if (t.field && fields[t.field] === 'DateTime' && Number.isNaN(Date.parse(String(t.data)))) errors.push(`search ${name}: ${t.field} must be a date-time`);
  }
  for (const [field, direction] of Object.entries((b.sort ?? {}) as Record<string, unknown>)) {
    if (!(field in fields)) errors.push(`sort: '${field}' is not a field of ${object}`);
    if (!spec.queryBody.sortDirections.includes(String(direction))) errors.push(`sort ${field}: direction must be asc or desc`);
  }
  return errors;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startDeputyFake(data: DeputyData = deputyDataset()): Promise<DeputyFake> {
  const faults = new FaultQueue();
  const rows: Record<string, unknown[]> = { Timesheet: data.timesheets, OperationalUnit: data.areas, Employee: data.employees, LeaveRules: data.leaveRules };
  const rowsOf = (object: string): Row[] => (rows[object] ?? []) as unknown as Row[];
  const fake: DeputyFake = {
    url: '',
    data,
    violations: [],
    requests: [],
    fault: (fault, pattern) => faults.add(fault, pattern),
    edit(id, changes) {
      const t = data.timesheets.find((x) => x.Id === id);
      if (!t) throw new Error(`no timesheet ${id}`);
      return Object.assign(t, changes, { Modified: stamp(Date.now()) });
    },
    webhook: (topic, id) => JSON.stringify({ topic, data: data.timesheets.find((t) => t.Id === id) ?? { Id: id } }),
    close: () => server.close(),
  };

  const server = await listenOnLoopback((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const raw = method === 'POST' ? await readBody(req) : '';
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        fake.violations.push(`${method} ${url.pathname}: body is not JSON`);
        return send(res, 400, { error: { code: 400, message: 'body is not JSON' } });
      }
      fake.requests.push({ method, path: url.pathname, body: body as Record<string, unknown> | undefined, authorization: req.headers.authorization });
      const query = /^\/api\/v1\/resource\/(\w+)\/QUERY$/.exec(url.pathname);
      const one = /^\/api\/v1\/resource\/(\w+)\/(\d+)$/.exec(url.pathname);
      const object = (query ?? one)?.[1];
      if (!object || !(object in spec.objects) || (query && method !== 'POST') || (one && method !== 'GET') || url.search) {
        fake.violations.push(`${method} ${url.pathname}${url.search}: not an operation Deputy documents`);
        return send(res, 404, { error: { code: 404, message: 'not found' } });
      }
      const errors = query ? bodyErrors(object, body) : [];
      if (errors.length) {
        fake.violations.push(...errors.map((e) => `${method} ${url.pathname}: ${e}`));
        return send(res, 400, { error: { code: 400, message: errors.join('; ') } });
      }
      if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) return send(res, 401, { error: { code: 401, message: 'Unauthorized' } });
      if (faults.answer(url.pathname, res, (code, message) => ({ error: { code, message } }))) return;
      const fields = spec.objects[object]!;
      if (one) {
        const row = rowsOf(object).find((r) => r.Id === Number(one[2]));
        return row ? send(res, 200, row) : send(res, 404, { error: { code: 404, message: 'Record not found' } });
      }
      const b = body as { search?: Record<string, Term>; sort?: Record<string, string>; start?: number; max?: number };
      const terms = Object.values(b.search ?? {});
      const rows = rowsOf(object).filter((r) => terms.every((t) => matches(r, t, fields[t.field]!)));
      const [sortField, direction] = Object.entries(b.sort ?? { Id: 'asc' })[0]!;
      rows.sort((x, y) => (comparable(x[sortField], fields[sortField]!) < comparable(y[sortField], fields[sortField]!) ? -1 : 1) * (direction === 'desc' ? -1 : 1));
      const start = b.start ?? 0;
      return send(res, 200, rows.slice(start, start + (b.max ?? spec.queryBody.maxLimit)));
    })();
  });
  fake.url = server.url;
  return fake;
}
