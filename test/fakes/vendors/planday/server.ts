import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { operationOf, queryErrors, sendJson, type RecordedRequest } from '../documented-operations.js';
import { listenOnLoopback, readBody } from '../loopback.js';
import { plandayDataset, type PlandayData } from './dataset.js';

/**
 * A fake Planday on a free loopback port: the identity server's token endpoint (refresh-token grant)
 * and the Open API operations the connector calls (punch clock records with their required local
 * from/to and offset pages, a record's breaks, departments, active and deactivated employees),
 * answering from a dataset (dataset.ts) whose instants it states as the portal's wall-clock times.
 * Every request is checked against what Planday documents (test/fixtures/vendors/planday/
 * operations.json, PROVENANCE.md): an unknown or malformed parameter, a missing X-ClientId or a
 * token request that is not the refresh grant is answered 400 and recorded in `violations`. Faults
 * can be queued: a 500/503, a 429 with `x-ratelimit-reset`, a request never answered; `revokeTokens`
 * makes every access token issued so far answer 401.
 */

export const CLIENT_ID = '5a1e7c2d-3b4f-4e6a-9c8d-7f1a2b3c4d5e';
export const REFRESH_TOKEN = 'fake-planday-refresh-token';

/** `revoke`: every access token issued so far is revoked just before the matching request is handled (it then answers 401). */
export type Fault = { kind: 'status'; status: 500 | 503 } | { kind: 'rateLimit'; resetSeconds: number } | { kind: 'hang' } | { kind: 'revoke' };

export type { RecordedRequest };

export interface PlandayFake {
  url: string;
  tokenUrl: string;
  data: PlandayData;
  violations: string[];
  requests: RecordedRequest[];
  tokensIssued: number;
  fault(fault: Fault, pathPattern?: RegExp): void;
  close(): Promise<void>;
}

interface Spec {
  token: { path: string; refreshGrant: string[] };
  operations: Record<string, { query: Record<string, string> }>;
}
const spec = JSON.parse(readFileSync(new URL('../../../fixtures/vendors/planday/operations.json', import.meta.url), 'utf8')) as Spec;

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function valueErrors(name: string, type: string, value: string): string[] {
  if (type === 'integer' && !/^\d+$/.test(value)) return [`${name} must be a non-negative integer, was '${value}'`];
  if (type === 'integer 1-50' && (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 50)) return [`${name} must be an integer from 1 to 50, was '${value}'`];
  if (type.startsWith('local-date-time') && !LOCAL.test(value)) return [`${name} must be a local date-time like 2025-01-01T00:00, was '${value}'`];
  if (type === 'date-time' && !ISO.test(value)) return [`${name} must be yyyy-mm-ddThh:mm:ssZ, was '${value}'`];
  return [];
}

/** An instant as the portal's wall clock shows it, as Planday states punch clock times. */
function wallClock(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(instant));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

function paged<T>(items: T[], query: URLSearchParams): unknown {
  const limit = Number(query.get('limit') ?? '50');
  const offset = Number(query.get('offset') ?? '0');
  return { data: items.slice(offset, offset + limit), paging: { offset, limit, total: items.length } };
}

export async function startPlandayFake(data: PlandayData = plandayDataset()): Promise<PlandayFake> {
  const faults: Array<{ fault: Fault; pattern: RegExp | undefined }> = [];
  const live = new Set<string>();
  const fake: PlandayFake = {
    url: '',
    tokenUrl: '',
    data,
    violations: [],
    requests: [],
    tokensIssued: 0,
    fault: (fault, pattern) => void faults.push({ fault, pattern }),
    close: () => server.close(),
  };
  const tz = data.timeZone;

  const recordOf = (r: PlandayData['records'][number]) => ({
    id: r.id,
    shiftId: r.id + 4000,
    departmentId: r.departmentId,
    employeeId: r.employeeId,
    startDateTime: wallClock(r.start, tz),
    endDateTime: r.end ? wallClock(r.end, tz) : null,
    shiftStartDateTime: wallClock(r.start, tz),
    shiftEndDateTime: r.end ? wallClock(r.end, tz) : null,
    description: 'free text the connector must not read',
    isApproved: r.isApproved,
  });

  const api = (template: string, params: Record<string, string>, query: URLSearchParams, res: ServerResponse) => {
    switch (template) {
      case 'GET /punchclock/v1.0/punchclockshifts': {
        const from = query.get('from')!;
        const to = query.get('to')!;
        const items = data.records
          .map(recordOf)
          .filter((r) => r.startDateTime >= from && r.startDateTime <= to && (!query.get('employeeId') || r.employeeId === Number(query.get('employeeId'))));
        return sendJson(res, 200, paged(items, query));
      }
      case 'GET /punchclock/v1.0/punchclockshifts/{punchClockShiftId}/breaks': {
        const r = data.records.find((x) => x.id === Number(params.punchClockShiftId));
        if (!r) return sendJson(res, 404, { type: 'about:blank', title: 'Not Found', status: 404 });
        const breaks = r.breaks.map((b, i) => ({ id: r.id * 10 + i, punchClocksShiftId: r.id, startDateTime: wallClock(b.start, tz), endDateTime: wallClock(b.end, tz), duration: null }));
        return sendJson(res, 200, { data: breaks, paging: { total: breaks.length } });
      }
      case 'GET /hr/v1.0/departments':
        return sendJson(res, 200, paged(data.departments, query));
      case 'GET /hr/v1.0/employees':
      case 'GET /hr/v1.0/employees/deactivated': {
        const deactivated = template.endsWith('deactivated');
        const items = data.employees.filter((e) => e.deactivated === deactivated).map(({ deactivated: _d, ...e }) => ({ ...e, email: `${e.firstName.toLowerCase()}@example.test`, departments: [], employeeGroups: [] }));
        return sendJson(res, 200, paged(items, query));
      }
    }
    return sendJson(res, 404);
  };

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const errors: string[] = [];
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) errors.push('token request is not form-encoded');
    const form = new URLSearchParams(await readBody(req));
    for (const name of form.keys()) if (!spec.token.refreshGrant.includes(name)) errors.push(`token request has '${name}'`);
    if (form.get('grant_type') !== 'refresh_token') errors.push(`grant_type is '${form.get('grant_type')}', not refresh_token`);
    if (errors.length) {
      fake.violations.push(...errors.map((e) => `POST ${spec.token.path}: ${e}`));
      return sendJson(res, 400, { error: 'invalid_request' });
    }
    if (form.get('client_id') !== CLIENT_ID || form.get('refresh_token') !== REFRESH_TOKEN) return sendJson(res, 400, { error: 'invalid_grant' });
    const accessToken = `fake-planday-access-${++fake.tokensIssued}`;
    live.add(accessToken);
    return sendJson(res, 200, { access_token: accessToken, expires_in: 3600, token_type: 'Bearer' });
  };

  const server = await listenOnLoopback((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const headers = { authorization: req.headers.authorization, 'x-clientid': req.headers['x-clientid'] as string | undefined };
    fake.requests.push({ method, path: url.pathname, query: Object.fromEntries([...url.searchParams.keys()].map((k) => [k, url.searchParams.getAll(k)])), headers });
    const i = faults.findIndex((f) => !f.pattern || f.pattern.test(url.pathname));
    if (i >= 0) {
      const { fault } = faults.splice(i, 1)[0]!;
      if (fault.kind === 'hang') return; // never answered; close() ends the connection
      if (fault.kind === 'revoke') live.clear();
      else if (fault.kind === 'rateLimit') return sendJson(res, 429, undefined, { 'x-ratelimit-limit': '750, 20;w=1, 750;w=60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(fault.resetSeconds) });
      else return sendJson(res, fault.status, { type: 'about:blank', title: 'fault injected', status: fault.status });
    }
    if (method === 'POST' && url.pathname === spec.token.path) return void token(req, res);
    const op = operationOf(Object.keys(spec.operations), method, url.pathname);
    if (!op) {
      fake.violations.push(`${method} ${url.pathname}: not an operation Planday documents`);
      return sendJson(res, 404);
    }
    const documented = spec.operations[op.template]!.query;
    const errors = queryErrors(url.searchParams, documented, valueErrors);
    for (const [name, type] of Object.entries(documented)) if (type.endsWith('(required)') && !url.searchParams.has(name)) errors.push(`${name} is required`);
    if (!headers['x-clientid']) errors.push('X-ClientId header missing');
    if (errors.length) {
      fake.violations.push(...errors.map((e) => `${op.template}: ${e}`));
      return sendJson(res, 400, { type: 'about:blank', title: 'Bad Request', status: 400, errors: { request: errors } });
    }
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    if (!bearer || !live.has(bearer) || headers['x-clientid'] !== CLIENT_ID) return sendJson(res, 401);
    api(op.template, op.params, url.searchParams, res);
  });
  fake.url = server.url;
  fake.tokenUrl = `${server.url}${spec.token.path}`;
  return fake;
}
