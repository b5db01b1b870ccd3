import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dataset, type DatasetOptions, type Json, type SquareData } from './dataset.js';
import { eventErrors, proseViolations, squareSpec } from './spec.js';

/**
 * A fake Square on a free loopback port: ListLocations, SearchOrders and BatchRetrieveOrders,
 * answering from a stateful seller (dataset.ts) to a bearer access token. Every request is checked
 * against Square's published document and the rules Square states in prose (spec.ts): an invalid
 * one is answered 400 with Square's error shape and its violations are recorded, so a contract test
 * reads `violations` and fails on any. The fake's own answers are checked against the documented
 * response schemas, and the webhook events it signs against the event schemas. Faults can be queued:
 * a 500, a 429 with Retry-After, or a request that never gets an answer.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization?: string;
  squareVersion?: string;
}

export type Fault = { kind: 'status'; status: 500 | 503 } | { kind: 'rateLimit'; retryAfterSeconds: number } | { kind: 'hang' };

export interface SignedEvent {
  body: string;
  signature: string;
  eventId: string;
}

export interface SquareFake {
  url: string;
  data: SquareData;
  violations: string[];
  requests: RecordedRequest[];
  fault(fault: Fault, pathPattern?: RegExp): void;
  /** Changes an order as Square would (`updated_at` and `version` move on) and returns it. */
  update(orderId: string, change: (order: Json) => void, at?: string): Json;
  /** The order.updated (or order.created) event Square would send for an order, signed for `notificationUrl` with `signatureKey`. */
  event(orderId: string, options: { notificationUrl: string; signatureKey: string; type?: 'order.created' | 'order.updated'; eventId?: string }): SignedEvent;
  close(): Promise<void>;
}

export interface FakeOptions extends DatasetOptions {
  accessToken?: string;
}

const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};
const squareError = (category: string, code: string, detail?: string) => ({ errors: [{ category, code, ...(detail ? { detail } : {}) }] });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const instant = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN);

/** A SearchOrders query applied to the seller's orders: locations, one inclusive time range, states, sort. */
function search(orders: Json[], body: Json): Json[] {
  const ids = new Set((body.location_ids as string[] | undefined) ?? []);
  const query = (body.query ?? {}) as Json;
  const filter = (query.filter ?? {}) as Json;
  const states = ((filter.state_filter as Json | undefined)?.states as string[] | undefined) ?? undefined;
  const [field, range] = Object.entries((filter.date_time_filter ?? {}) as Record<string, Json>)[0] ?? [];
  const sort = (query.sort ?? {}) as Json;
  const sortField = String(sort.sort_field ?? 'CREATED_AT').toLowerCase();
  const found = orders.filter((o) => {
    if (!ids.has(String(o.location_id))) return false;
    if (states && !states.includes(String(o.state))) return false;
    if (field && range) {
      const at = instant(o[field]);
      if (Number.isNaN(at)) return false;
      if (range.start_at !== undefined && at < instant(range.start_at)) return false;
      if (range.end_at !== undefined && at > instant(range.end_at)) return false;
    }
    return true;
  });
  const dir = sort.sort_order === 'ASC' ? 1 : -1;
  return found.sort((a, b) => dir * ((instant(a[sortField]) || 0) - (instant(b[sortField]) || 0)) || String(a.id).localeCompare(String(b.id)));
}

export async function startSquareFake(options: FakeOptions): Promise<SquareFake> {
  squareSpec(); // compiled before the first request, which must not wait for it
  const accessToken = options.accessToken ?? 'EAAA-fake-square-access-token';
  const faults: Array<{ fault: Fault; pattern: RegExp | undefined }> = [];
  const hanging = new Set<ServerResponse>();
  const fake: SquareFake = {
    url: '',
    data: dataset(options),
    violations: [],
    requests: [],
    fault: (fault, pattern) => void faults.push({ fault, pattern }),
    update(orderId, change, at = new Date().toISOString()) {
      const o = fake.data.orders.find((x) => x.id === orderId);
      if (!o) throw new Error(`no order ${orderId}`);
      change(o);
      Object.assign(o, { updated_at: at, version: Number(o.version ?? 1) + 1 });
      return o;
    },
    event(orderId, { notificationUrl, signatureKey, type = 'order.updated', eventId }) {
      const o = fake.data.orders.find((x) => x.id === orderId);
      if (!o) throw new Error(`no order ${orderId}`);
      const created = type === 'order.created';
      const about = { order_id: o.id, version: o.version, location_id: o.location_id, state: o.state, created_at: o.created_at, ...(created ? {} : { updated_at: o.updated_at }) };
      const event = {
        merchant_id: String((fake.data.locations[0] as Json).merchant_id),
        type,
        event_id: eventId ?? createHash('sha256').update(`${type}:${String(o.id)}:${String(o.version)}`).digest('hex').slice(0, 32),
        created_at: String(o.updated_at),
        data: { type: created ? 'order_created' : 'order_updated', id: o.id, object: { [created ? 'order_created' : 'order_updated']: about } },
      };
      const errors = eventErrors(created ? 'OrderCreatedEvent' : 'OrderUpdatedEvent', event);
      if (errors.length) fake.violations.push(`fake built an event off the documented schema: ${errors.join('; ')}`);
      const body = JSON.stringify(event);
      return { body, eventId: event.event_id, signature: createHmac('sha256', signatureKey).update(notificationUrl + body).digest('base64') };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  /** Cursors Square issued, with the query each belongs to (a cursor must come back with its original query). */
  const cursors = new Map<string, { query: string; offset: number }>();

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const raw = await readBody(req);
      const match = squareSpec().match({ method, path: url.pathname, query: url.searchParams, headers: req.headers, contentType: req.headers['content-type'], body: raw });
      fake.requests.push({
        method,
        path: url.pathname,
        body: match?.body,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(typeof req.headers['square-version'] === 'string' ? { squareVersion: req.headers['square-version'] } : {}),
      });
      if (!match) {
        const violation = `${method} ${url.pathname}: no such operation in Square's document`;
        fake.violations.push(violation);
        return send(res, 404, squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', violation));
      }
      const where = `${method} ${match.operation.template}`;
      const violations = [...match.errors, ...(match.errors.length ? [] : proseViolations(match))].map((e) => `${where}: ${e}`);
      if (violations.length) {
        fake.violations.push(...violations);
        return send(res, 400, squareError('INVALID_REQUEST_ERROR', 'BAD_REQUEST', violations.join('; ')));
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (match.operation.secured) {
        if (!bearer) fake.violations.push(`${where}: no bearer token (the operation requires oauth2)`);
        if (bearer !== accessToken) return send(res, 401, squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'));
      }
      const i = faults.findIndex((f) => !f.pattern || f.pattern.test(url.pathname));
      if (i >= 0) {
        const { fault } = faults.splice(i, 1)[0]!;
        if (fault.kind === 'hang') return void hanging.add(res);
        if (fault.kind === 'rateLimit') return send(res, 429, squareError('RATE_LIMIT_ERROR', 'RATE_LIMITED'), { 'retry-after': String(fault.retryAfterSeconds) });
        return send(res, fault.status, squareError('API_ERROR', 'INTERNAL_SERVER_ERROR'));
      }
      const json = (status: number, body: unknown) => {
        const errors = squareSpec().responseErrors(match.operation, status, body);
        if (errors.length) fake.violations.push(`fake answered ${where} ${status} off the documented schema: ${errors.slice(0, 3).join('; ')}`);
        send(res, status, body);
      };
      const body = (match.body ?? {}) as Json;
      if (match.operation.operationId === 'ListLocations') return json(200, { locations: fake.data.locations });
      if (match.operation.operationId === 'BatchRetrieveOrders') {
        const ids = new Set(body.order_ids as string[]);
        return json(200, { orders: fake.data.orders.filter((o) => ids.has(String(o.id)) && (!body.location_id || o.location_id === body.location_id)) });
      }
      // SearchOrders
      const { cursor, ...rest } = body;
      const queryKey = JSON.stringify({ ...rest, limit: undefined });
      let offset = 0;
      if (cursor !== undefined) {
        const known = cursors.get(String(cursor));
        if (!known || known.query !== queryKey) {
          fake.violations.push(`${where}: a cursor must come with its original query`);
          return send(res, 400, squareError('INVALID_REQUEST_ERROR', 'INVALID_CURSOR'));
        }
        offset = known.offset;
      }
      const all = search(fake.data.orders, rest);
      const limit = typeof body.limit === 'number' && body.limit > 0 ? body.limit : 500;
      const page = all.slice(offset, offset + limit);
      let next: string | undefined;
      if (offset + limit < all.length) {
        next = createHash('sha256').update(`${queryKey}:${offset + limit}`).digest('base64url');
        cursors.set(next, { query: queryKey, offset: offset + limit });
      }
      json(200, { orders: page, ...(next ? { cursor: next } : {}) });
    })().catch((e: unknown) => {
      fake.violations.push(`fake Square failed: ${String(e)}`);
      send(res, 500);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
