import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson as send } from '../documented-operations.js';
import { FaultQueue, type Fault as VendorFault } from '../faults.js';
import { listenOnLoopback, readBody } from '../loopback.js';
import { dataset, type DatasetOptions, type Json, type ToastData } from './dataset.js';
import { parseToastInstant, proseViolations, toastSpec } from './spec.js';

/**
 * A fake Toast on a free loopback port: the login (authentication API), ordersBulk and an order by
 * GUID (orders API), a restaurant's information (restaurants API), answering from a stateful
 * management group (dataset.ts) to a bearer token it issued. Every request is checked against
 * Toast's published documents and the rules Toast states in prose (spec.ts): an invalid one is
 * answered 400 with Toast's ErrorMessage shape and its violations are recorded, so a contract test
 * reads `violations` and fails on any. The fake's own answers are checked against the documented
 * response schemas. Faults can be queued: a 500/503, a 429 with Retry-After, a request that never
 * gets an answer, or the current token revoked (the next request is answered 401).
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  restaurant?: string;
}

/** The shared vendor faults, and Toast's own: the token in use revoked (the next matching request is answered 401). */
export type Fault = VendorFault | { kind: 'revokeToken' };

export interface SignedEvent {
  body: string;
  signature: string;
}

export interface ToastFake {
  url: string;
  data: ToastData;
  violations: string[];
  requests: RecordedRequest[];
  /** Logins answered (each issues a new token). */
  logins: number;
  fault(fault: Fault, pathPattern?: RegExp): void;
  /** Changes an order as Toast would (`modifiedDate` moves on) and returns it. */
  update(orderGuid: string, change: (order: Json) => void, at?: Date): Json;
  /** The order_updated notification Toast would send for an order, signed with `secret` over its body and timestamp. */
  event(orderGuid: string, secret: string): SignedEvent;
  close(): Promise<void>;
}

export interface FakeOptions extends DatasetOptions {
  clientId?: string;
  clientSecret?: string;
}

/** Toast's ErrorMessage. */
const toastError = (status: number, message: string) => ({ status: String(status), code: status * 100, message, requestId: 'fake-request' });

/** The order as Toast answers it: without the fake's bookkeeping of which restaurant holds it. */
const published = ({ restaurantGuid: _r, ...order }: Json) => order;

const toastTime = (d: Date) => d.toISOString().replace('Z', '+0000');

export async function startToastFake(options: FakeOptions): Promise<ToastFake> {
  toastSpec(); // compiled before the first request, which must not wait for it
  const clientId = options.clientId ?? 'toast-fake-client';
  const clientSecret = options.clientSecret ?? 'toast-fake-secret';
  const faults = new FaultQueue();
  const revocations: Array<RegExp | undefined> = [];
  const tokens = new Set<string>();
  let issued = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const match = toastSpec().match({ method, path: url.pathname, query: url.searchParams, headers: req.headers, contentType: req.headers['content-type'], body: raw });
    const restaurant = req.headers['toast-restaurant-external-id'];
    fake.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(typeof restaurant === 'string' ? { restaurant } : {}),
    });
    if (!match) {
      const violation = `${method} ${url.pathname}: no such operation in Toast's documents`;
      fake.violations.push(violation);
      return send(res, 404, toastError(404, violation));
    }
    const where = `${method} ${match.operation.template}`;
    const violations = [...match.errors, ...(match.errors.length ? [] : proseViolations(match, url.searchParams))].map((e) => `${where}: ${e}`);
    if (violations.length) {
      fake.violations.push(...violations);
      return send(res, 400, toastError(400, violations.join('; ')));
    }
    const json = (status: number, body: unknown) => {
      const errors = toastSpec().responseErrors(match.operation, status, body);
      if (errors.length) fake.violations.push(`fake answered ${where} ${status} off the documented schema: ${errors.slice(0, 3).join('; ')}`);
      send(res, status, body);
    };
    if (faults.answer(url.pathname, res, (status, message) => toastError(status, message))) return;
    if (match.operation.operationId === 'authenticationLoginPost') {
      const body = match.body as Json;
      if (body.clientId !== clientId || body.clientSecret !== clientSecret) return json(401, toastError(401, 'Invalid client credentials'));
      fake.logins += 1;
      const token = `toast-token-${++issued}`;
      tokens.add(token);
      return json(200, { token: { tokenType: 'Bearer', expiresIn: 86400, accessToken: token }, status: 'SUCCESS' });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (match.operation.secured && !bearer) fake.violations.push(`${where}: no bearer token (the operation requires oauth2)`);
    const r = revocations.findIndex((p) => !p || p.test(url.pathname));
    if (r >= 0) {
      revocations.splice(r, 1);
      if (bearer) tokens.delete(bearer);
    }
    if (!bearer || !tokens.has(bearer)) return send(res, 401, toastError(401, 'Unauthorized'));
    const known = fake.data.restaurants.some((r) => r.guid === restaurant);
    if (!known) return send(res, 403, toastError(403, 'Access to restaurant denied'));
    const ofRestaurant = fake.data.orders.filter((o) => o.restaurantGuid === restaurant);
    if (match.operation.operationId === 'restaurantsRestaurantGuidGet') {
      const guid = match.pathParams.restaurantGUID;
      if (guid !== restaurant) return send(res, 403, toastError(403, 'Access to restaurant denied'));
      return json(200, fake.data.restaurants.find((r) => r.guid === guid));
    }
    if (match.operation.operationId === 'ordersGuidGet') {
      const o = ofRestaurant.find((x) => x.guid === match.pathParams.guid);
      return o ? json(200, published(o)) : send(res, 404, toastError(404, 'Order not found'));
    }
    if (match.operation.operationId === 'ordersBulkGet') {
      const q = url.searchParams;
      const day = q.get('businessDate');
      const found = day
        ? ofRestaurant.filter((o) => String(o.businessDate) === day)
        : ofRestaurant.filter((o) => {
            const at = parseToastInstant(String(o.modifiedDate));
            return at >= parseToastInstant(q.get('startDate')!) && at < parseToastInstant(q.get('endDate')!);
          });
      const pageSize = Number(q.get('pageSize') ?? 100);
      const page = Number(q.get('page') ?? 1);
      return json(200, found.slice((page - 1) * pageSize, page * pageSize).map(published));
    }
    fake.violations.push(`${where}: the fake does not serve ${match.operation.operationId}`);
    return send(res, 501, toastError(501, 'Not served by the fake'));
  };

  const server = await listenOnLoopback((req, res) => {
    handle(req, res).catch((e: unknown) => {
      fake.violations.push(`fake Toast failed: ${String(e)}`);
      send(res, 500);
    });
  });
  const fake: ToastFake = {
    url: server.url,
    data: dataset(options),
    violations: [],
    requests: [],
    logins: 0,
    fault: (fault, pattern) => (fault.kind === 'revokeToken' ? void revocations.push(pattern) : faults.add(fault, pattern)),
    update(orderGuid, change, at = new Date()) {
      const o = fake.data.orders.find((x) => x.guid === orderGuid);
      if (!o) throw new Error(`no order ${orderGuid}`);
      change(o);
      o.modifiedDate = toastTime(at);
      return o;
    },
    event(orderGuid, secret) {
      const o = fake.data.orders.find((x) => x.guid === orderGuid);
      if (!o) throw new Error(`no order ${orderGuid}`);
      const timestamp = toastTime(new Date());
      const body = JSON.stringify({
        timestamp,
        eventCategory: 'orders',
        eventType: 'order_updated',
        guid: `event-${orderGuid}-${String(o.modifiedDate)}`,
        details: { restaurantGuid: o.restaurantGuid, order: published(o) },
      });
      // Toast's "Message signing": HMAC-SHA256 of the body followed by the timestamp, base64.
      return { body, signature: createHmac('sha256', secret).update(body + timestamp).digest('base64') };
    },
    close: () => server.close(),
  };
  return fake;
}
