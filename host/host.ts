import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { HttpResponseInit, InvocationContext as InvocationContextType } from '@azure/functions';
import { HttpRequest, InvocationContext } from '../shared/platform/azure-functions.js';
import { getApp, closeApp, type App } from '../shared/app.js';
import { resolveSchedule } from '../shared/platform/functions.js';
import type { HttpFunction } from '../shared/http/route.js';
import { compileRoute, byPrecedence, splitPath, type CompiledRoute } from '../shared/platform/local/route-template.js';
import { LocalScheduler } from '../shared/platform/local/scheduler.js';
import { serializeCookie } from '../shared/platform/local/cookies.js';
import { SECURITY_HEADERS, preflightHeaders } from '../shared/http/headers.js';
import { correlationIdFrom } from '../shared/http/correlation.js';
import { queues } from '../shared/platform/topology.js';
import { createLogger, errorMessage } from '../shared/platform/log.js';
import type { Logger } from 'pino';
import { loadConfig, withPublicBaseUrl } from '../shared/platform/config.js';
import { ProblemError } from '../shared/http/problem.js';
import { MAX_HEADER_BYTES, MAX_URL_LENGTH, onClientError, readRequestBody, refuseDeclaredLength, sendProblem, uriTooLong } from './http-limits.js';
import type { FunctionDefinition } from '../functions/triggers.js';

const ROUTE_PREFIX = 'api';
/** Paths whose route match is kept (see routesFor). */
const MATCH_CACHE_SIZE = 5_000;

export interface LocalHostOptions {
  port: number;
  hostname?: string;
  definitions: readonly FunctionDefinition[];
  /** Requests with exactly this User-Agent are logged at debug level only (the in-process demo seed). */
  quietUserAgent?: string;
  /** Start the timer functions (default: the LOCAL_TIMERS setting). */
  timers?: boolean;
}

export interface LocalHost {
  url: string;
  port: number;
  app: App;
  scheduler: LocalScheduler;
  functionTable(): string;
  /** Stops taking work, drains in-flight invocations, closes the app. */
  stop(): Promise<void>;
}

interface CompiledHttp {
  fn: HttpFunction;
  compiled: CompiledRoute;
}

/** The Functions host's log levels, as pino's. */
const pinoLevel = { trace: 'trace', debug: 'debug', information: 'info', warning: 'warn', error: 'error', critical: 'fatal' } as const;

interface InvocationLogging {
  logger: Logger;
  /** Log this invocation's information lines at debug (the demo seed's thousands of deliveries). */
  quiet?: boolean;
  /** The request path, so a terminal line shows the URL rather than the route template. */
  path?: string;
}

function contextFor(name: string, triggerType: string, logging: InvocationLogging, triggerMetadata?: Record<string, unknown>): InvocationContextType {
  const invocationId = randomUUID();
  // The child logger is made on the first line this invocation actually writes: every request logs
  // at info, which a quieter level drops, and a pino child per request is not free.
  let child: Logger | undefined;
  return new InvocationContext({
    invocationId,
    functionName: name,
    triggerMetadata,
    options: { trigger: { type: triggerType, name: 'trigger' }, extraInputs: [], extraOutputs: [] },
    logHandler: (level, ...args) => {
      if (level === 'none') return;
      const [message, props] = args;
      const fields = typeof props === 'object' && props !== null ? props : props === undefined ? {} : { detail: props };
      const at = logging.quiet && level === 'information' ? 'debug' : pinoLevel[level];
      if (!logging.logger.isLevelEnabled(at)) return;
      child ??= logging.logger.child({ invocationId, ...(logging.path ? { path: logging.path } : {}) });
      // One `function` key per line, whether or not the handler's own log already names it.
      child[at]({ function: name, ...fields }, String(message));
    },
  });
}

function problem(res: ServerResponse, status: number, title: string, detail: string, instance: string, extra: Record<string, string> = {}): void {
  sendProblem(res, new ProblemError({ status, title, detail }), instance, extra);
}

async function writeResponse(res: ServerResponse, out: HttpResponseInit): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  const raw = out.headers;
  if (raw instanceof Headers) raw.forEach((v, k) => (headers[k] = v));
  else if (Array.isArray(raw)) for (const [k, v] of raw as Array<[string, string]>) headers[k] = v;
  else if (raw) Object.assign(headers, raw);
  if (out.cookies?.length) headers['Set-Cookie'] = out.cookies.map(serializeCookie);
  // Strings go to the socket as they are (Node encodes them once, into the write): no Buffer copy first.
  let body: Buffer | string | undefined;
  if (out.jsonBody !== undefined) {
    body = JSON.stringify(out.jsonBody);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  } else if (typeof out.body === 'string') body = out.body;
  else if (out.body instanceof Uint8Array) body = Buffer.from(out.body.buffer, out.body.byteOffset, out.body.byteLength);
  else if (out.body instanceof ArrayBuffer) body = Buffer.from(out.body);
  else if (out.body instanceof ReadableStream) {
    res.writeHead(out.status ?? 200, headers);
    await pipeStream(res, out.body as ReadableStream<Uint8Array>);
    return;
  } else if (out.body !== undefined && out.body !== null) body = Buffer.from(await new Response(out.body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
  res.writeHead(out.status ?? 200, headers);
  res.end(body);
}

/**
 * Forwards a streamed body chunk by chunk (chunked transfer), waiting for the socket to drain, as the
 * Functions host does with HTTP streaming on. A failure midway can only cut the response short.
 */
async function pipeStream(res: ServerResponse, stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader();
  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
      if (!res.write(value)) await Promise.race([new Promise((resolve) => res.once('drain', resolve)), closed]);
    }
    res.end();
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    res.destroy(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}

/**
 * Runs the app's functions in this process the way the Azure Functions host would: HTTP routes on
 * a port with the host's route semantics, Service Bus triggers from the in-process broker, and
 * timers on their schedules. The handlers are the very ones the compiled entry registers in Azure.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const settings = loadConfig();
  // Requests that arrive while the app is being built wait for it.
  const handler: { serve?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const early: Array<() => void> = [];
  const server: Server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout: settings.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(settings.HTTP_HEADERS_TIMEOUT_MS, settings.HTTP_REQUEST_TIMEOUT_MS),
      // Node checks the two timeouts on this period (30 s by default, longer than the timeouts themselves).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(settings.HTTP_HEADERS_TIMEOUT_MS / 4))),
    },
    (req, res) => (handler.serve ? handler.serve(req, res) : early.push(() => handler.serve?.(req, res))),
  );
  server.on('clientError', onClientError);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://${options.hostname && options.hostname !== '0.0.0.0' ? options.hostname : 'localhost'}:${port}`;
  let app: App;
  try {
    // PORT=0 picks a free port: only now is the default PUBLIC_BASE_URL (token issuer, OpenAPI server) known.
    app = await getApp(withPublicBaseUrl(process.env, base));
  } catch (err) {
    server.closeAllConnections();
    server.close();
    throw err;
  }
  // Invocation logs go to stdout as the Functions host prints them: readable lines in a terminal, JSON otherwise.
  const logger = createLogger(app.config.LOG_LEVEL, {}, { fd: 1 });
  const http: CompiledHttp[] = options.definitions
    .filter((d): d is HttpFunction => d.kind === 'http')
    .map((fn) => ({ fn, compiled: compileRoute(fn.route) }))
    .sort((a, b) => byPrecedence(a.compiled, b.compiled));

  // The routes a path matches, in precedence order, with their methods: computed once per path (the
  // same webhook or resource URL is called again and again); bounded, emptied when full.
  type Match = { candidates: Array<{ h: CompiledHttp; params: Record<string, string> }>; allowed: string[] };
  const matches = new Map<string, Match>();
  const routesFor = (path: string): Match => {
    let m = matches.get(path);
    if (!m) {
      const parts = splitPath(path);
      const candidates = http.flatMap((h) => {
        const params = h.compiled.matchParts(parts);
        return params ? [{ h, params }] : [];
      });
      m = { candidates, allowed: [...new Set(candidates.map((c) => c.h.fn.method))] };
      if (matches.size >= MATCH_CACHE_SIZE) matches.clear();
      matches.set(path, m);
    }
    return m;
  };

  const broker = app.broker;
  if (!broker) throw new Error('the local host needs the in-process broker: unset SERVICEBUS_NAMESPACE');
  let inFlight = 0;
  let accepting = true;
  const drained: Array<() => void> = [];
  const track = async <T>(work: () => Promise<T>): Promise<T> => {
    inFlight += 1;
    try {
      return await work();
    } finally {
      inFlight -= 1;
      if (inFlight === 0) drained.splice(0).forEach((f) => f());
    }
  };

  for (const def of options.definitions) {
    if (def.kind !== 'serviceBus') continue;
    broker.subscribe(def.queue, (message) =>
      track(async () => {
        const ctx = contextFor(def.name, 'serviceBusTrigger', { logger }, { ...message.metadata });
        await def.handler(message.body, ctx);
      }),
    );
  }

  const scheduler = new LocalScheduler(
    options.definitions.flatMap((def) =>
      def.kind !== 'timer'
        ? []
        : [
            {
              name: def.name,
              schedule: resolveSchedule(def.schedule, app.config),
              runOnStartup: def.runOnStartup,
              run: (timer) => track(() => def.handler(timer, contextFor(def.name, 'timerTrigger', { logger }))),
            },
          ],
    ),
    (job, err) => app.log.error('timer function failed', { function: job, error: errorMessage(err) }),
  );

  handler.serve = (req, res) => {
    void (async () => {
      if ((req.url ?? '').length > MAX_URL_LENGTH) return sendProblem(res, uriTooLong(), '');
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
      const instance = url.pathname;
      if (!accepting) return problem(res, 503, 'Service unavailable', 'The host is shutting down.', instance, { Connection: 'close' });
      const prefix = `/${ROUTE_PREFIX}/`;
      if (!url.pathname.toLowerCase().startsWith(prefix)) return problem(res, 404, 'Not found', 'No function serves this path.', instance);
      const { candidates, allowed } = routesFor(url.pathname.slice(prefix.length));
      const method = (req.method ?? 'GET').toUpperCase();
      if (candidates.length === 0) return problem(res, 404, 'Not found', 'No function serves this path.', instance);
      if (method === 'OPTIONS') {
        const pre = preflightHeaders(req.headers.origin ?? null, app.config.CORS_ORIGINS, allowed);
        res.writeHead(204, { ...SECURITY_HEADERS, ...(pre ?? {}), Allow: allowed.join(', ') });
        return res.end();
      }
      const chosen = candidates.find((c) => c.h.fn.method === method) ?? (method === 'HEAD' ? candidates.find((c) => c.h.fn.method === 'GET') : undefined);
      if (!chosen) return problem(res, 405, 'Method not allowed', `Use ${allowed.join(', ')}.`, instance, { Allow: allowed.join(', ') });
      const limit = chosen.h.fn.spec.bodyLimitBytes ?? app.config.HTTP_MAX_BODY_BYTES;
      const refused = refuseDeclaredLength(req, limit);
      // The body is never read: the connection can't carry another request after this answer.
      if (refused) return sendProblem(res, refused, instance, { Connection: 'close' });
      let body: Buffer;
      try {
        body = await readRequestBody(req, limit);
      } catch (err) {
        if (!(err instanceof ProblemError) || res.destroyed) return void res.destroy();
        req.resume();
        return sendProblem(res, err, instance, { Connection: 'close' });
      }
      const headers: Record<string, string> = {};
      const incoming = req.headers;
      for (const k in incoming) {
        const v = incoming[k];
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      // As App Service's front end does: the TCP peer, not a client-supplied header.
      headers['x-client-ip'] = req.socket.remoteAddress ?? 'unknown';
      const request = new HttpRequest({
        method: method === 'HEAD' ? 'GET' : method,
        url: url.href,
        headers,
        // Given (empty), so the request does not parse its URL again for a query; filled below.
        query: {},
        // A copy: the matched parameters are cached per path, and a handler may change its request's.
        params: { ...chosen.params },
        body: body.length > 0 ? { bytes: body } : undefined,
      });
      // Every pair in order, repeated keys included (a record would collapse them).
      if (url.search) for (const [k, v] of url.searchParams) request.query.append(k, v);
      const ctx = contextFor(chosen.h.fn.name, 'httpTrigger', {
        logger,
        path: url.pathname,
        quiet: options.quietUserAgent !== undefined && req.headers['user-agent'] === options.quietUserAgent,
      });
      try {
        const out = await track(() => chosen.h.fn.handler(request, ctx));
        if (method === 'HEAD') out.body = undefined;
        await writeResponse(res, out);
      } catch (err) {
        if (res.headersSent) {
          // A streamed body failed midway: the status is out; all that is left is to cut it short.
          app.log.error('http response stream failed', { function: chosen.h.fn.name, error: errorMessage(err) });
          res.destroy();
          return;
        }
        app.log.error('http function threw', { function: chosen.h.fn.name, error: errorMessage(err) });
        problem(res, 500, 'Internal server error', 'An unexpected error occurred.', instance, {
          'x-correlation-id': correlationIdFrom(headers['x-correlation-id']),
        });
      }
    })();
  };
  early.splice(0).forEach((f) => f());
  if (options.timers ?? app.config.LOCAL_TIMERS) scheduler.start();

  return {
    url: base,
    port,
    app,
    scheduler,
    functionTable() {
      const lines = ['Functions:', ''];
      for (const def of options.definitions) {
        if (def.kind === 'http') lines.push(`        ${def.name}: [${def.method}] ${base}/${ROUTE_PREFIX}/${def.route}`);
        else if (def.kind === 'serviceBus')
          lines.push(`        ${def.name}: serviceBusTrigger (queue ${queues[def.queue].name}${queues[def.queue].sessions ? ', sessions' : ''})`);
        else lines.push(`        ${def.name}: timerTrigger (${resolveSchedule(def.schedule, app.config)}${def.runOnStartup ? ', runOnStartup' : ''})`);
      }
      return lines.join('\n');
    },
    async stop() {
      accepting = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await scheduler.stop();
      if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
      await broker.close();
      await closeApp();
    },
  };
}
