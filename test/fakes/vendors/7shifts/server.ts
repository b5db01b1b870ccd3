import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac } from 'node:crypto';
import { operationOf, queryErrors, sendJson, type RecordedRequest } from '../documented-operations.js';
import { listenOnLoopback } from '../loopback.js';
import { sevenShiftsDataset, type FakePunch, type FakeShift, type SevenShiftsData } from './dataset.js';

/**
 * A fake 7shifts API v2 on a free loopback port, answering from a stateful dataset (dataset.ts):
 * time punches and published shifts (filters and keyset pages; deleted shifts only with
 * `deleted=true`, drafts never), users, one user, departments, roles, locations (with
 * their time zones), a user's wages.
 * Every request is checked against the parameters 7shifts documents (test/fixtures/vendors/7shifts/
 * operations.json, PROVENANCE.md): an unknown parameter, a malformed value or a missing header is
 * answered 400 and recorded in `violations`, so a contract test fails on any. Faults can be queued:
 * a 500, a 429 with Retry-After, or a request that is never answered.
 */

export const ACCESS_TOKEN = 'fake-7shifts-access-token';
export const COMPANY_GUID = '3f1c2a8e-6a55-4c1e-9d7b-0a4b5c6d7e8f';

export type Fault = { kind: 'status'; status: 500 | 503 } | { kind: 'rateLimit'; retryAfterSeconds: number } | { kind: 'hang' };

export type { RecordedRequest };

export interface SevenShiftsFake {
  url: string;
  data: SevenShiftsData;
  violations: string[];
  requests: RecordedRequest[];
  fault(fault: Fault, pathPattern?: RegExp): void;
  /** Changes a punch as 7shifts would (modified stamped now). */
  edit(id: number, changes: Partial<FakePunch>): FakePunch;
  /** A webhook 7shifts would send about a punch: the raw body and its signed headers. */
  webhook(topic: string, id: number, options?: { guid?: string; timestamp?: number }): { body: string; headers: Record<string, string> };
  /** Changes a shift, or adds one, as 7shifts would (modified stamped now). */
  editShift(id: number, changes: Partial<FakeShift>): FakeShift;
  /** The signed `schedule.published` webhook of a location's week (`start`, `end`: its first and last dates). */
  schedulePublished(locationId: number, start: string, end: string): { body: string; headers: Record<string, string> };
  close(): Promise<void>;
}

interface OperationSpec {
  query: Record<string, string>;
}
const spec = JSON.parse(readFileSync(new URL('../../../fixtures/vendors/7shifts/operations.json', import.meta.url), 'utf8')) as { operations: Record<string, OperationSpec> };

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function valueErrors(name: string, type: string, value: string): string[] {
  if (type === 'integer' && !/^\d+$/.test(value)) return [`${name} must be an integer, was '${value}'`];
  if (type === 'integer 1-500' && (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 500)) return [`${name} must be an integer from 1 to 500, was '${value}'`];
  if (type === 'boolean' && !['true', 'false'].includes(value)) return [`${name} must be true or false, was '${value}'`];
  if (type === 'date-time' && !ISO.test(value)) return [`${name} must be an ISO 8601 date-time, was '${value}'`];
  return [];
}

/** Keyset-style pages: the cursor is opaque to clients (base64 of the next offset here). */
function paged<T>(items: T[], query: URLSearchParams, object: string): unknown {
  const limit = Number(query.get('limit') ?? '100');
  const offset = query.get('cursor') ? (JSON.parse(Buffer.from(query.get('cursor')!, 'base64').toString('utf8')) as { offset: number }).offset : 0;
  const data = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(JSON.stringify({ offset: offset + limit })).toString('base64') : null;
  return { data, meta: { cursor: { current: query.get('cursor'), prev: null, next, count: data.length } }, object };
}

const stamp = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00').replace(/\.\d{3}Z$/, '+00:00');

export async function startSevenShiftsFake(data: SevenShiftsData = sevenShiftsDataset()): Promise<SevenShiftsFake> {
  const faults: Array<{ fault: Fault; pattern: RegExp | undefined }> = [];
  const fake: SevenShiftsFake = {
    url: '',
    data,
    violations: [],
    requests: [],
    fault: (fault, pattern) => void faults.push({ fault, pattern }),
    edit(id, changes) {
      const p = data.punches.find((x) => x.id === id);
      if (!p) throw new Error(`no punch ${id}`);
      return Object.assign(p, changes, { modified: stamp(Date.now()) });
    },
    webhook(topic, id, options = {}) {
      const p = data.punches.find((x) => x.id === id)!;
      const dbTime = (s: string | null) => (s ? new Date(s).toISOString().slice(0, 19).replace('T', ' ') : null);
      // The documented webhook payload: the punch, zone-less times plus `_iso` ones, `time_punch_breaks`.
      const { breaks, ...rest } = p;
      const payload = {
        ...rest,
        clocked_in: dbTime(p.clocked_in),
        clocked_out: dbTime(p.clocked_out),
        clocked_in_iso: p.clocked_in,
        clocked_out_iso: p.clocked_out,
        hourly_wage: p.hourly_wage / 100,
        time_punch_breaks: breaks.map((b, i) => ({ id: id * 10 + i, user_id: p.user_id, custom_break_id: 0, paid: b.paid, in: dbTime(b.in), out: dbTime(b.out), in_iso: b.in, out_iso: b.out, deleted: false })),
      };
      return signed(topic, JSON.stringify(payload), `wh-${id}`, options);
    },
    editShift(id, changes) {
      let s = data.shifts.find((x) => x.id === id);
      if (!s) data.shifts.push((s = { ...(data.shifts[0] as FakeShift), id, breaks: [] }));
      return Object.assign(s, changes, { modified: stamp(Date.now()) });
    },
    schedulePublished(locationId, start, end) {
      // The documented payload: the location, its departments, the week's first and last days as UTC midnights.
      const body = JSON.stringify({ company_id: data.companyId, location_id: locationId, department_ids: data.departments.filter((d) => d.location_id === locationId).map((d) => d.id), start: `${start}T00:00:00+00:00`, end: `${end}T00:00:00+00:00` });
      return signed('schedule.published', body, `wh-schedule-${locationId}-${start}`);
    },
    close: () => server.close(),
  };

  function signed(topic: string, body: string, id: string, options: { guid?: string; timestamp?: number } = {}): { body: string; headers: Record<string, string> } {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', `${timestamp}#${options.guid ?? COMPANY_GUID}`).update(body).digest('hex');
    return { body, headers: { 'content-type': 'application/json', 'x-webhook-id': `${id}-${timestamp}`, 'x-webhook-topic': topic, 'x-company-id': String(data.companyId), 'x-hmac-timestamp': timestamp, 'x-hmac-signature': signature } };
  }

  const api = (template: string, params: Record<string, string>, query: URLSearchParams, res: ServerResponse) => {
    if (Number(params.company_id) !== data.companyId) return sendJson(res, 404, { message: 'company not found' });
    const q = (name: string) => query.get(name);
    switch (template) {
      case 'GET /v2/company/{company_id}/time_punches': {
        const items = data.punches.filter(
          (p) =>
            (!q('location_id') || p.location_id === Number(q('location_id'))) &&
            (!q('department_id') || p.department_id === Number(q('department_id'))) &&
            (!q('user_id') || p.user_id === Number(q('user_id'))) &&
            (!q('approved') || p.approved === (q('approved') === 'true')) &&
            (!q('clocked_in[gte]') || Date.parse(p.clocked_in) >= Date.parse(q('clocked_in[gte]')!)) &&
            (!q('clocked_in[lte]') || Date.parse(p.clocked_in) <= Date.parse(q('clocked_in[lte]')!)) &&
            (!q('modified_since') || Date.parse(p.modified) > Date.parse(q('modified_since')!)),
        );
        return sendJson(res, 200, paged(items, query, 'time_punches'));
      }
      case 'GET /v2/company/{company_id}/shifts': {
        const items = data.shifts.filter(
          (s) =>
            // Published shifts by default; deleted ones only (and then only) with deleted=true, as the Synchronizing Shifts guide describes.
            s.deleted === (q('deleted') === 'true') &&
            (!s.draft || q('include_draft') === 'true') &&
            (!q('location_id') || s.location_id === Number(q('location_id'))) &&
            (!q('department_id') || s.department_id === Number(q('department_id'))) &&
            (!q('role_id') || s.role_id === Number(q('role_id'))) &&
            (!q('user_id') || s.user_id === Number(q('user_id'))) &&
            (!q('open') || s.open === (q('open') === 'true')) &&
            (!q('start[gte]') || Date.parse(s.start) >= Date.parse(q('start[gte]')!)) &&
            (!q('start[lte]') || Date.parse(s.start) <= Date.parse(q('start[lte]')!)) &&
            (!q('modified_since') || Date.parse(s.modified) > Date.parse(q('modified_since')!)),
        );
        return sendJson(res, 200, paged(items, query, 'shifts'));
      }
      case 'GET /v2/company/{company_id}/users':
        return sendJson(res, 200, paged(data.users.filter((u) => u.listed).map(({ listed: _l, ...u }) => u), query, 'users'));
      case 'GET /v2/company/{company_id}/users/{user_id}': {
        const u = data.users.find((x) => x.id === Number(params.user_id));
        if (!u) return sendJson(res, 404, { message: 'user not found' });
        const { listed: _l, ...rest } = u;
        return sendJson(res, 200, { data: rest, object: 'user' });
      }
      case 'GET /v2/company/{company_id}/departments':
        return sendJson(res, 200, paged(data.departments.filter((d) => !q('location_id') || d.location_id === Number(q('location_id'))), query, 'departments'));
      case 'GET /v2/company/{company_id}/roles':
        return sendJson(res, 200, paged(data.roles.filter((r) => !q('department_id') || r.department_id === Number(q('department_id'))), query, 'roles'));
      case 'GET /v2/company/{company_id}/locations':
        return sendJson(res, 200, paged(data.locations, query, 'locations'));
      case 'GET /v2/company/{company_id}/users/{user_id}/wages':
        return sendJson(res, 200, { data: { current_wages: data.wages[Number(params.user_id)] ?? [], upcoming_wages: [] }, object: 'wages' });
    }
    return sendJson(res, 404);
  };

  const server = await listenOnLoopback((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const headers = { authorization: req.headers.authorization, 'x-api-version': req.headers['x-api-version'] as string | undefined, 'x-company-guid': req.headers['x-company-guid'] as string | undefined };
    fake.requests.push({ method, path: url.pathname, query: Object.fromEntries([...url.searchParams.keys()].map((k) => [k, url.searchParams.getAll(k)])), headers });
    const op = operationOf(Object.keys(spec.operations), method, url.pathname);
    if (!op) {
      fake.violations.push(`${method} ${url.pathname}: not an operation 7shifts documents`);
      return sendJson(res, 404, { message: 'not found' });
    }
    const documented = spec.operations[op.template]!.query;
    const errors = queryErrors(url.searchParams, documented, valueErrors);
    if (!headers['x-api-version'] || !/^\d{4}-\d{2}-\d{2}$/.test(headers['x-api-version'])) errors.push('x-api-version header missing or not a date');
    const gte = url.searchParams.get('clocked_in[gte]');
    const lte = url.searchParams.get('clocked_in[lte]');
    if (gte && lte && Date.parse(lte) < Date.parse(gte)) errors.push('clocked_in[lte] before clocked_in[gte]');
    if (errors.length) {
      fake.violations.push(...errors.map((e) => `${op.template}: ${e}`));
      return sendJson(res, 400, { message: errors.join('; ') });
    }
    if (headers.authorization !== `Bearer ${ACCESS_TOKEN}`) return sendJson(res, 401, { message: 'Unauthorized' });
    const i = faults.findIndex((f) => !f.pattern || f.pattern.test(url.pathname));
    if (i >= 0) {
      const { fault } = faults.splice(i, 1)[0]!;
      if (fault.kind === 'hang') return; // never answered; close() ends the connection
      if (fault.kind === 'rateLimit') return sendJson(res, 429, { message: 'Too Many Requests' }, { 'retry-after': String(fault.retryAfterSeconds) });
      return sendJson(res, fault.status, { message: 'fault injected' });
    }
    api(op.template, op.params, url.searchParams, res);
  });
  fake.url = server.url;
  return fake;
}
