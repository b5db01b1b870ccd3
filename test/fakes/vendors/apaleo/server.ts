import type { IncomingMessage, ServerResponse } from 'node:http';
import { dataset, type ApaleoData, type DatasetOptions, type Json } from './dataset.js';
import { basicClient, listenOnLoopback, readBody } from '../loopback.js';
import type { Match } from '../swagger2-validator.js';
import { apaleoSpec, proseViolations } from './spec.js';

/**
 * A fake apaleo on a free loopback port: the identity server's client-credentials token endpoint
 * (`POST /connect/token`) and the Booking v1 and Inventory v1 operations the connector uses, answering
 * from a stateful dataset (dataset.ts). Every request is checked against apaleo's published Swagger
 * documents and the rules apaleo states in prose first (spec.ts): an invalid one is answered 400 and its violations are recorded, so a
 * contract test reads `violations` and fails on any. Faults can be queued: a 500, a 429 with
 * Retry-After, or a request that never gets an answer.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  authorization?: string;
}

export type Fault = { kind: 'status'; status: 500 | 503 } | { kind: 'rateLimit'; retryAfterSeconds: number } | { kind: 'hang' };

export interface ApaleoFake {
  /** Base URL of both the API and the identity server. */
  url: string;
  data: ApaleoData;
  violations: string[];
  requests: RecordedRequest[];
  tokensIssued: number;
  /** Queues a fault for the next request whose path matches (every API path when omitted); token requests are never faulted. */
  fault(fault: Fault, pathPattern?: RegExp): void;
  /** Cancels a reservation at `at` (apaleo: status Canceled, cancellationTime and modified set). */
  cancel(reservationId: string, at: string): void;
  close(): Promise<void>;
}

export interface FakeOptions extends DatasetOptions {
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of issued tokens (apaleo: one hour). */
  tokenSeconds?: number;
}

const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

/** Swagger's `pageNumber`/`pageSize`: without a page size everything is returned; a page past the end is 204. */
function page<T>(items: T[], params: Record<string, string>): T[] | undefined {
  if (!params.pageSize) return items;
  const size = Number(params.pageSize);
  const number = Number(params.pageNumber ?? '1');
  const slice = items.slice((number - 1) * size, number * size);
  return slice.length === 0 ? undefined : slice;
}

const csv = (v: string | undefined) => (v ? v.split(',') : undefined);

/** A list item of /inventory/v1/units: the list names a unit's maintenance by id and type only. */
function unitItem(u: Json): Json {
  const status = u.status as Json;
  const m = status.maintenance as Json | undefined;
  return { ...u, description: (u.description as Json).en, status: { ...status, ...(m ? { maintenance: { id: m.id, type: m.type } } : {}) } };
}

function withExpand(r: Json, expand: string[] | undefined): Json {
  if (expand?.includes('timeSlices')) return r;
  const { timeSlices: _t, ...rest } = r;
  return rest;
}

const instants = new Map<string, number>();
/** Date.parse, memoised: a year's dataset repeats the same few thousand date-times across every request. */
function instant(s: string): number {
  let v = instants.get(s);
  if (v === undefined) instants.set(s, (v = Date.parse(s)));
  return v;
}

/** Booking v1 dateFilter: the named instant in [from, to); Stay: overlapping [from, to). */
function dateFiltered(r: Json, filter: string | undefined, from: string | undefined, to: string | undefined): boolean {
  if (!filter) return true;
  const f = from ? instant(from) : -Infinity;
  const t = to ? instant(to) : Infinity;
  if (filter === 'Stay') return instant(String(r.arrival)) < t && instant(String(r.departure)) > f;
  const field = { Arrival: 'arrival', Departure: 'departure', Creation: 'created', Modification: 'modified', Cancellation: 'cancellationTime' }[filter];
  const value = field ? r[field] : undefined;
  if (value === undefined) return false;
  const at = instant(String(value));
  return at >= f && at < t;
}

export async function startApaleoFake(options: FakeOptions): Promise<ApaleoFake> {
  apaleoSpec(); // compiled before the first request, which must not wait for it
  const clientId = options.clientId ?? 'PMI-APALEO';
  const clientSecret = options.clientSecret ?? 'fake-apaleo-client-secret';
  const tokens = new Map<string, number>();
  const faults: Array<{ fault: Fault; pattern: RegExp | undefined }> = [];
  const fake: ApaleoFake = {
    url: '',
    data: dataset(options),
    violations: [],
    requests: [],
    tokensIssued: 0,
    fault: (fault, pattern) => void faults.push({ fault, pattern }),
    cancel(id, at) {
      const r = fake.data.reservations.find((x) => x.id === id);
      if (!r) throw new Error(`no reservation ${id}`);
      Object.assign(r, { status: 'Canceled', cancellationTime: at, modified: at });
    },
    close: () => server.close(),
  };

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const body = new URLSearchParams(await readBody(req));
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      fake.violations.push('POST /connect/token: the body must be application/x-www-form-urlencoded (RFC 6749 §4.4.2)');
      return send(res, 400, { error: 'invalid_request' });
    }
    if (body.get('grant_type') !== 'client_credentials') {
      fake.violations.push(`POST /connect/token: grant_type must be client_credentials, was '${body.get('grant_type')}'`);
      return send(res, 400, { error: 'unsupported_grant_type' });
    }
    const basic = basicClient(req.headers.authorization);
    const [id, secret] = basic ? [basic.id, basic.secret] : [body.get('client_id'), body.get('client_secret')];
    if (id !== clientId || secret !== clientSecret) return send(res, 401, { error: 'invalid_client' });
    const accessToken = `fake-apaleo-token-${++fake.tokensIssued}`;
    tokens.set(accessToken, Date.now() + (options.tokenSeconds ?? 3600) * 1000);
    send(res, 200, { access_token: accessToken, expires_in: options.tokenSeconds ?? 3600, token_type: 'Bearer', scope: 'reservations.read units.read properties.read' });
  };

  const api = (method: string, path: string, match: Match, params: Record<string, string>, res: ServerResponse) => {
    const d = fake.data;
    // The fake's own answers are checked too, so it cannot drift from what apaleo documents.
    const json = (r: ServerResponse, status: number, body?: unknown) => {
      const errors = body === undefined ? [] : apaleoSpec().responseErrors(match.operation, status, body);
      if (errors.length) fake.violations.push(`fake answered ${method} ${match.operation.template} ${status} off the documented schema: ${errors.slice(0, 3).join('; ')}`);
      send(r, status, body);
    };
    if (method === 'GET' && path.startsWith('/inventory/v1/properties/')) {
      return params.id === d.property.id ? json(res, 200, d.property) : json(res, 404);
    }
    if (method === 'GET' && path === '/inventory/v1/units') {
      const all = d.units.filter((u) => (!params.propertyId || (u.property as Json).id === params.propertyId) && (!params.maintenanceType || ((u.status as Json).maintenance as Json | undefined)?.type === params.maintenanceType));
      const items = page(all, params);
      return items ? json(res, 200, { units: items.map(unitItem), count: all.length }) : json(res, 204);
    }
    if (method === 'GET' && path.startsWith('/inventory/v1/units/')) {
      const u = d.units.find((x) => x.id === params.id);
      return u ? json(res, 200, u) : json(res, 404);
    }
    if (method === 'GET' && path === '/booking/v1/reservations') {
      const properties = csv(params.propertyIds);
      const statuses = csv(params.status);
      const all = d.reservations.filter((r) => (!properties || properties.includes(String((r.property as Json).id))) && (!statuses || statuses.includes(String(r.status))) && dateFiltered(r, params.dateFilter, params.from, params.to));
      const items = page(all, params);
      return items ? json(res, 200, { reservations: items.map((r) => withExpand(r, csv(params.expand))), count: all.length }) : json(res, 204);
    }
    if (method === 'GET' && path.startsWith('/booking/v1/reservations/')) {
      const r = d.reservations.find((x) => x.id === params.id);
      return r ? json(res, 200, withExpand(r, csv(params.expand))) : json(res, 404);
    }
    json(res, 404);
  };

  const server = await listenOnLoopback((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      if (method === 'POST' && url.pathname === '/connect/token') return token(req, res);
      const query = url.searchParams;
      const params: Record<string, string> = {};
      for (const k of query.keys()) params[k] = query.getAll(k).join(',');
      fake.requests.push({ method, path: url.pathname, query: Object.fromEntries([...query.keys()].map((k) => [k, query.getAll(k)])), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      const body = await readBody(req);
      const match = apaleoSpec().match({ method, path: url.pathname, query, headers: req.headers, contentType: req.headers['content-type'], body });
      if (!match) {
        const violation = `${method} ${url.pathname}: no such operation in apaleo's documents`;
        fake.violations.push(violation);
        return send(res, 404, { messages: [violation] });
      }
      const where = `${method} ${match.operation.template}`;
      const violations = [...match.errors, ...proseViolations(match, query)].map((e) => `${where}: ${e}`);
      if (violations.length) {
        fake.violations.push(...violations);
        return send(res, 400, { messages: violations });
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (match.operation.secured) {
        if (!bearer) fake.violations.push(`${where}: no bearer token (the operation requires oauth2)`);
        if (!bearer || (tokens.get(bearer) ?? 0) < Date.now()) return send(res, 401);
      }
      const i = faults.findIndex((f) => !f.pattern || f.pattern.test(url.pathname));
      if (i >= 0) {
        const { fault } = faults.splice(i, 1)[0]!;
        if (fault.kind === 'hang') return; // answered never; close() ends the connection
        if (fault.kind === 'rateLimit') return send(res, 429, undefined, { 'retry-after': String(fault.retryAfterSeconds) });
        return send(res, fault.status, { messages: ['fault injected'] });
      }
      api(method, url.pathname, match, { ...params, ...match.pathParams }, res);
    })().catch((e: unknown) => {
      fake.violations.push(`fake apaleo failed: ${String(e)}`);
      send(res, 500);
    });
  });
  fake.url = server.url;
  return fake;
}
