import type { Cookie, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import type { Permission } from '../access/permissions.js';
import type { Principal } from '../access/principal.js';
import type { Authenticator, SecurityEventSink } from '../access/authenticator.js';
import type { Config } from '../platform/config.js';
import { authorize } from '../access/authorize.js';
import { correlationIdFrom } from './correlation.js';
import { SECURITY_HEADERS, corsHeaders } from './headers.js';
import { readBody, readQuery, readParams } from './request.js';
import { readIfMatch } from './etag.js';
import { toErrorResponse } from './errors.js';
import { forbidden } from './problem.js';
import { invocationLog, type Log } from '../platform/log.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Methods that change or remove a resource in place: each route of these is conditional on If-Match. */
const MUTATING: ReadonlySet<HttpMethod> = new Set(['PATCH', 'PUT', 'DELETE']);

/** Who may call a route. Every route states one; there is no default. */
export type Access =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'permission'; permission: Permission }
  | { kind: 'platform' };

export const publicAccess = { kind: 'public' } as const;
export const authenticated = { kind: 'authenticated' } as const;
export const platformOnly = { kind: 'platform' } as const;
export const requires = (permission: Permission) => ({ kind: 'permission', permission }) as const;

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/** What a handler returns; the pipeline adds headers, serialises and sets content types. */
export interface Reply {
  status?: number;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent as is, with `contentType`. */
  raw?: string | Buffer;
  /**
   * Sent chunk by chunk as it is produced, with `contentType` (HTTP streaming: the Functions host
   * and the local host both forward each chunk; nothing is buffered whole). Once streaming, the
   * status is sent: a failure midway can only cut the body short, so a streamed format must let
   * the reader notice a truncation (the audit export's metadata names its last seq).
   */
  stream?: AsyncIterable<string>;
  contentType?: string;
  headers?: Record<string, string>;
  etag?: string | undefined;
  cookies?: Cookie[];
}

/**
 * What the pipeline itself uses of the app. Handlers get the whole app (`S`): the route tables bind
 * `routeOn` to the composition root, so this kernel never imports it.
 */
export interface RouteServices {
  config: Pick<Config, 'CORS_ORIGINS' | 'HTTP_MAX_BODY_BYTES'>;
  authenticator: Authenticator;
  securityEvents: SecurityEventSink;
}

export interface Call<B, Q, P, A extends Access, S = RouteServices> {
  app: S;
  req: HttpRequest;
  ctx: InvocationContext;
  log: Log;
  correlationId: string;
  body: B;
  /** The body exactly as received (for signature checks); empty when the route takes no body. */
  rawBody: Buffer;
  query: Q;
  params: P;
  principal: A extends { kind: 'public' } ? Principal | undefined : Principal;
  /**
   * The request's If-Match (validated), on routes that declare `ifMatch`: hand it to the service,
   * which checks it with checkIfMatch and conditions its store write on the ETag it read.
   */
  ifMatch: string | undefined;
  ip: string;
  userAgent: string;
}

export interface RouteSpec<B, Q, P, A extends Access, S = RouteServices> {
  /** Function name, unique in the app. */
  name: string;
  method: HttpMethod;
  /** Functions route template under the `api` prefix, e.g. `v1/users/{id}`. */
  route: string;
  access: A;
  summary: string;
  tags: string[];
  body?: z.ZodType<B>;
  /** The JSON body may be left out (the handler then gets `undefined`); an empty body is not an error. */
  bodyOptional?: boolean;
  /** Accept a body without parsing it as JSON (webhooks: CSV or JSON, verified before parsing). */
  rawBody?: boolean;
  /** The media types a `rawBody` route takes, as documented in OpenAPI (default: JSON only). */
  rawBodyTypes?: string[];
  /**
   * The route changes a resource that has an ETag and honours If-Match: a stale ETag answers 412
   * and nothing changes. Every PATCH, PUT and DELETE route declares it (route() refuses one that
   * doesn't); the OpenAPI document then lists the If-Match header and the 412 answer.
   */
  ifMatch?: true;
  bodyLimitBytes?: number;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  responses: Record<number, ResponseDoc>;
  handler: (call: Call<B, Q, P, A, S>) => Promise<Reply>;
}

export interface HttpFunction {
  kind: 'http';
  name: string;
  method: HttpMethod;
  route: string;
  access: Access;
  spec: RouteSpec<unknown, unknown, unknown, Access, never>;
  handler: (req: HttpRequest, ctx: InvocationContext) => Promise<HttpResponseInit>;
}

function clientIp(req: HttpRequest): string {
  // App Service's front end sets X-Client-IP from the TCP peer (the local host does the same), so a
  // client can't choose its own address for throttling and audit by sending X-Forwarded-For.
  const direct = req.headers.get('x-client-ip');
  if (direct) return direct;
  const first = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return first ? first.replace(/:\d+$/, '') : 'unknown';
}

/** A pull stream: the producer runs only as fast as the client reads, and stops if it goes away. */
function byteStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await it.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await it.return?.();
    },
  });
}

function finish(reply: Reply, base: Record<string, string>, principal: Principal | undefined): HttpResponseInit {
  const headers: Record<string, string> = { ...base, ...(reply.headers ?? {}) };
  if (!headers['Cache-Control']) headers['Cache-Control'] = 'no-store';
  if (principal && headers['Cache-Control'] !== 'no-store' && !headers['Cache-Control'].includes('private')) {
    headers['Cache-Control'] = 'private, ' + headers['Cache-Control'];
  }
  if (reply.etag) headers['ETag'] = reply.etag;
  const empty = reply.json === undefined && reply.raw === undefined && reply.stream === undefined;
  const res: HttpResponseInit = { status: reply.status ?? (empty ? 204 : 200), headers };
  if (reply.json !== undefined) {
    res.body = JSON.stringify(reply.json);
    headers['Content-Type'] = reply.contentType ?? 'application/json; charset=utf-8';
  } else if (reply.raw !== undefined) {
    res.body = reply.raw;
    headers['Content-Type'] = reply.contentType ?? 'application/octet-stream';
  } else if (reply.stream !== undefined) {
    res.body = byteStream(reply.stream);
    headers['Content-Type'] = reply.contentType ?? 'application/octet-stream';
  }
  if (reply.cookies) res.cookies = reply.cookies;
  return res;
}

/**
 * The route declarer of an app: `services` yields the app each invocation runs on (built lazily,
 * once per process).
 *
 * @example
 * export const route = routeOn(getApp);
 */
export function routeOn<S extends RouteServices>(services: () => Promise<S>) {
  /**
   * Declares an HTTP route and builds its handler: the one pipeline every request goes through —
   * correlation id, authentication, route-level authorization, zod validation of path, query and
   * body, the handler, then security headers, CORS and RFC 9457 errors.
   */
  return function route<B = undefined, Q = Record<string, never>, P = Record<string, never>, A extends Access = Access>(
    spec: RouteSpec<B, Q, P, A, S>,
  ): HttpFunction {
    return declareRoute(spec, services);
  };
}

function declareRoute<B, Q, P, A extends Access, S extends RouteServices>(spec: RouteSpec<B, Q, P, A, S>, services: () => Promise<S>): HttpFunction {
  if (MUTATING.has(spec.method) && !spec.ifMatch) {
    throw new Error(`route ${spec.name}: ${spec.method} routes must declare ifMatch and honour it (docs/api.md promises 412 on a stale ETag)`);
  }
  const handler = async (req: HttpRequest, ctx: InvocationContext): Promise<HttpResponseInit> => {
    const started = Date.now();
    const correlationId = correlationIdFrom(req.headers.get('x-correlation-id'));
    const log = invocationLog(ctx, { correlationId, function: spec.name });
    let app: S | undefined;
    let principal: Principal | undefined;
    let base: Record<string, string> = { ...SECURITY_HEADERS, 'x-correlation-id': correlationId };
    let response: HttpResponseInit;
    try {
      app = await services();
      base = { ...base, ...corsHeaders(req.headers.get('origin'), app.config.CORS_ORIGINS) };
      principal = await app.authenticator.authenticate(req, spec.access.kind === 'public');
      if (spec.access.kind !== 'public' && !principal) throw new Error('authenticator returned no principal');
      if (spec.access.kind === 'permission' && principal) authorize(principal, spec.access.permission);
      if (spec.access.kind === 'platform' && principal?.kind !== 'platform-operator') throw forbidden('This operation is for platform operators.');
      const ifMatch = spec.ifMatch ? readIfMatch(req.headers.get('if-match')) : undefined;
      const params = readParams(req, spec.params);
      const query = readQuery(req, spec.query);
      const { body, raw } = await readBody(req, spec, app.config.HTTP_MAX_BODY_BYTES);
      const reply = await spec.handler({
        app,
        req,
        ctx,
        log,
        correlationId,
        body: body as B,
        rawBody: raw,
        query: query as Q,
        params: params as P,
        principal: principal as Call<B, Q, P, A, S>['principal'],
        ifMatch,
        ip: clientIp(req),
        userAgent: req.headers.get('user-agent') ?? '',
      });
      response = finish(reply, base, principal);
    } catch (err) {
      // Parsed only here: a successful request never needs its path again.
      const instance = new URL(req.url).pathname;
      response = await toErrorResponse(err, { instance, correlationId, headers: base, log, securityEvents: app?.securityEvents, principal, req, ip: clientIp(req) });
    }
    log.info('http request', {
      method: req.method,
      route: spec.route,
      status: response.status,
      durationMs: Date.now() - started,
      tenantId: principal?.tenantId,
    });
    return response;
  };
  return {
    kind: 'http',
    name: spec.name,
    method: spec.method,
    route: spec.route,
    access: spec.access,
    spec: spec as unknown as RouteSpec<unknown, unknown, unknown, Access, never>,
    handler,
  };
}
