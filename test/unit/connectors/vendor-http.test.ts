import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import type { Clock } from '../../../shared/connectors/http/clock.js';
import { TokenCache } from '../../../shared/connectors/http/oauth-tokens.js';
import { retryAfterMs, DEFAULT_RETRY } from '../../../shared/connectors/http/retry-policy.js';
import { VendorError } from '../../../shared/connectors/http/vendor-error.js';
import { createVendorHttp, type VendorHttpOptions } from '../../../shared/connectors/http/vendor-http.js';

/** A clock whose sleeps return at once and move time forward: no test waits the delays it checks. */
class FakeClock implements Clock {
  time = Date.parse('2026-12-05T12:00:00Z');
  readonly sleeps: number[] = [];
  now() {
    return this.time;
  }
  async sleep(ms: number) {
    this.sleeps.push(ms);
    this.time += ms;
  }
  random() {
    return 0.5;
  }
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: Seen, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler;
let seen: Seen[];
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      open.add(res);
      res.on('close', () => open.delete(res));
      handler(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const res of open) res.destroy();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let clock: FakeClock;
beforeEach(() => {
  seen = [];
  clock = new FakeClock();
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function client(overrides: Partial<VendorHttpOptions> = {}) {
  return createVendorHttp({ vendor: 'acme', circuitKey: 'int_test', clock, circuits: new Circuits({ failureThreshold: 3, coolDownMs: 60_000 }, clock), tokens: new TokenCache(clock), ...overrides });
}

/** Answers from a script, one entry per request; the last entry repeats. */
function script(...steps: Handler[]): Handler {
  let i = 0;
  return (req, res) => steps[Math.min(i++, steps.length - 1)]!(req, res);
}

async function failure(p: Promise<unknown>): Promise<VendorError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VendorError) return err;
    throw err;
  }
  throw new Error('expected a VendorError');
}

test('a JSON request: body sent as JSON, query parameters appended (arrays repeat), JSON answer parsed', async () => {
  handler = (_req, res) => json(res, 200, { ok: true });
  const r = await client().send({ method: 'POST', url: `${base}/api/things/getAll?x=1`, query: { ids: ['a', 'b'], limit: 10 }, body: { Limitation: { Count: 2 } } });
  expect(r).toMatchObject({ status: 200, body: { ok: true } });
  expect(seen[0]!.url).toBe('/api/things/getAll?x=1&ids=a&ids=b&limit=10');
  expect(seen[0]!.headers['content-type']).toBe('application/json');
  expect(JSON.parse(seen[0]!.body)).toEqual({ Limitation: { Count: 2 } });
});

test('429 waits for Retry-After in seconds, then succeeds', async () => {
  handler = script((_r, res) => json(res, 429, {}, { 'retry-after': '7' }), (_r, res) => json(res, 200, { n: 1 }));
  const r = await client().send({ method: 'GET', url: `${base}/x` });
  expect(r.body).toEqual({ n: 1 });
  expect(clock.sleeps).toEqual([7000]);
});

test('Retry-After as an HTTP date, and a too-long wait cut to the cap', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');
  expect(retryAfterMs('Sat, 05 Dec 2026 12:00:30 GMT', DEFAULT_RETRY, now)).toBe(30_000);
  expect(retryAfterMs('86400', DEFAULT_RETRY, now)).toBe(DEFAULT_RETRY.maxRetryAfterMs);
  expect(retryAfterMs('Sat, 05 Dec 2026 11:00:00 GMT', DEFAULT_RETRY, now)).toBe(0);
  expect(retryAfterMs('soon', DEFAULT_RETRY, now)).toBeUndefined();
  expect(retryAfterMs(undefined, DEFAULT_RETRY, now)).toBeUndefined();
});

test('429 with an HTTP-date Retry-After waits until then', async () => {
  const at = new Date(clock.time + 12_000).toUTCString();
  handler = script((_r, res) => json(res, 429, {}, { 'retry-after': at }), (_r, res) => json(res, 200, {}));
  await client().send({ method: 'GET', url: `${base}/x` });
  expect(clock.sleeps).toEqual([12_000]);
});

test('5xx backs off exponentially with full jitter, then succeeds', async () => {
  handler = script((_r, res) => json(res, 500, {}), (_r, res) => json(res, 503, {}), (_r, res) => json(res, 502, {}), (_r, res) => json(res, 200, { done: true }));
  const r = await client({ retry: { baseDelayMs: 100, maxDelayMs: 1000 } }).send({ method: 'POST', url: `${base}/x`, body: {} });
  expect(r.body).toEqual({ done: true });
  // random() = 0.5 of the caps 100, 200, 400.
  expect(clock.sleeps).toEqual([50, 100, 200]);
  expect(seen).toHaveLength(4);
});

test('a 503 with Retry-After waits for it; a redirect is not followed', async () => {
  handler = script((_r, res) => json(res, 503, {}, { 'retry-after': '3' }), (_r, res) => json(res, 200, {}));
  await client().send({ method: 'GET', url: `${base}/x` });
  expect(clock.sleeps).toEqual([3000]);
  seen = [];
  handler = (req, res) => {
    if (req.url === '/moved') {
      res.writeHead(302, { location: `${base}/elsewhere` });
      return res.end();
    }
    json(res, 200, { followed: true });
  };
  const err = await failure(client().send({ method: 'GET', url: `${base}/moved` }));
  expect([err.reason, err.status]).toEqual(['rejected', 302]);
  expect(seen.map((s) => s.url)).toEqual(['/moved']);
});

test('5xx on every attempt: a sanitised server_error after maxAttempts, without the vendor body or query', async () => {
  handler = (_r, res) => json(res, 500, { error: 'stack trace with secret-value-123' });
  const err = await failure(client({ retry: { maxAttempts: 3 } }).send({ method: 'GET', url: `${base}/api/v1/things`, query: { token: 'secret-value-123' } }));
  expect(err.reason).toBe('server_error');
  expect(err.status).toBe(500);
  expect(err.details.attempts).toBe(3);
  expect(seen).toHaveLength(3);
  expect(err.message).toBe('acme: server_error (HTTP 500) on GET /api/v1/things');
  expect(JSON.stringify(err)).not.toContain('secret-value-123');
});

test('a slow answer times out and is retried; every attempt slow ends as timeout', async () => {
  handler = script(() => undefined, (_r, res) => json(res, 200, { late: false }));
  const r = await client({ timeoutMs: 1500 }).send({ method: 'GET', url: `${base}/slow` });
  expect(r.body).toEqual({ late: false });
  expect(seen).toHaveLength(2);

  seen = [];
  handler = () => undefined;
  const err = await failure(client({ timeoutMs: 100, retry: { maxAttempts: 2 } }).send({ method: 'GET', url: `${base}/slow` }));
  expect(err.reason).toBe('timeout');
  expect(seen).toHaveLength(2);
});

test('a network error (nothing listening) is retried, then reported as network', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const err = await failure(client({ retry: { maxAttempts: 2 } }).send({ method: 'GET', url: `http://127.0.0.1:${port}/x` }));
  expect(err.reason).toBe('network');
  expect(clock.sleeps).toHaveLength(1);
});

test('4xx is not retried: rejected with its status; 401 is unauthorized', async () => {
  handler = (_r, res) => json(res, 404, { message: 'not here' });
  const err = await failure(client().send({ method: 'GET', url: `${base}/missing` }));
  expect(err.reason).toBe('rejected');
  expect(err.status).toBe(404);
  expect(seen).toHaveLength(1);
  handler = (_r, res) => json(res, 401, {});
  expect((await failure(client().send({ method: 'GET', url: `${base}/x` }))).reason).toBe('unauthorized');
});

test('a 2xx that says JSON but is not: invalid_response', async () => {
  handler = (_r, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('<html>');
  };
  expect((await failure(client().send({ method: 'GET', url: `${base}/x` }))).reason).toBe('invalid_response');
});

describe('the circuit', () => {
  test('opens after N consecutive failed requests, refuses without calling the vendor, closes after the cool-down on success', async () => {
    handler = (_r, res) => json(res, 503, {});
    const circuits = new Circuits({ failureThreshold: 2, coolDownMs: 60_000 }, clock);
    const http = client({ circuits, retry: { maxAttempts: 1 } });
    for (let i = 0; i < 2; i++) expect((await failure(http.send({ method: 'GET', url: `${base}/x` }))).reason).toBe('server_error');
    const calls = seen.length;
    const refused = await failure(http.send({ method: 'GET', url: `${base}/x` }));
    expect(refused.reason).toBe('circuit_open');
    expect(refused.details.retryAfterMs).toBe(60_000);
    expect(seen).toHaveLength(calls);
    // Other integrations are not affected.
    handler = (_r, res) => json(res, 200, {});
    await client({ circuits, circuitKey: 'int_other' }).send({ method: 'GET', url: `${base}/x` });

    clock.time += 60_000;
    await http.send({ method: 'GET', url: `${base}/x` });
    expect(circuits.isOpen('int_test')).toBe(false);
    // Closed again: it takes N failures to open it once more.
    handler = (_r, res) => json(res, 503, {});
    expect((await failure(http.send({ method: 'GET', url: `${base}/x` }))).reason).toBe('server_error');
    expect(circuits.isOpen('int_test')).toBe(false);
  });

  test('half-open: the first failure after the cool-down re-opens it at once', async () => {
    handler = (_r, res) => json(res, 500, {});
    const circuits = new Circuits({ failureThreshold: 2, coolDownMs: 1000 }, clock);
    const http = client({ circuits, retry: { maxAttempts: 1 } });
    await failure(http.send({ method: 'GET', url: `${base}/x` }));
    await failure(http.send({ method: 'GET', url: `${base}/x` }));
    clock.time += 1000;
    expect((await failure(http.send({ method: 'GET', url: `${base}/x` }))).reason).toBe('server_error');
    expect((await failure(http.send({ method: 'GET', url: `${base}/x` }))).reason).toBe('circuit_open');
  });

  test('an answer that is a 4xx does not count as the vendor failing', async () => {
    const circuits = new Circuits({ failureThreshold: 2, coolDownMs: 1000 }, clock);
    const http = client({ circuits, retry: { maxAttempts: 1 } });
    handler = script((_r, res) => json(res, 500, {}), (_r, res) => json(res, 404, {}), (_r, res) => json(res, 500, {}));
    await failure(http.send({ method: 'GET', url: `${base}/x` }));
    await failure(http.send({ method: 'GET', url: `${base}/x` }));
    await failure(http.send({ method: 'GET', url: `${base}/x` }));
    expect(circuits.isOpen('int_test')).toBe(false);
  });
});

describe('OAuth client credentials', () => {
  const tokenRequest = () => ({ url: `${base}/oauth/token`, clientId: 'client id', clientSecret: 's3cr3t:x', scope: 'read', headers: { 'x-app-key': 'app-1' } });
  let issued: number;
  let valid: Set<string>;

  beforeEach(() => {
    issued = 0;
    valid = new Set();
    handler = (req, res) => {
      if (req.url === '/oauth/token') {
        const token = `tok-${++issued}`;
        valid.add(token);
        return json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
      }
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!valid.has(token)) return json(res, 401, {});
      json(res, 200, { token });
    };
  });

  test('acquires a token with basic client authentication, caches it and refreshes it before it expires', async () => {
    const tokens = new TokenCache(clock);
    const http = client({ tokenRequest: tokenRequest(), tokens });
    expect((await http.send({ method: 'GET', url: `${base}/a` })).body).toEqual({ token: 'tok-1' });
    expect((await http.send({ method: 'GET', url: `${base}/b` })).body).toEqual({ token: 'tok-1' });
    const tokenCall = seen.find((s) => s.url === '/oauth/token')!;
    expect(tokenCall.method).toBe('POST');
    expect(tokenCall.headers['x-app-key']).toBe('app-1');
    expect(tokenCall.headers.authorization).toBe(`Basic ${Buffer.from('client%20id:s3cr3t%3Ax').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(tokenCall.body))).toEqual({ grant_type: 'client_credentials', scope: 'read' });
    // Within the refresh margin (one minute before the hour), a new token is fetched.
    clock.time += 3600_000 - 30_000;
    expect((await http.send({ method: 'GET', url: `${base}/c` })).body).toEqual({ token: 'tok-2' });
    expect(issued).toBe(2);
  });

  test('concurrent requests share one token acquisition', async () => {
    const http = client({ tokenRequest: tokenRequest() });
    await Promise.all([1, 2, 3].map((i) => http.send({ method: 'GET', url: `${base}/${i}` })));
    expect(issued).toBe(1);
  });

  test('a 401 with a cached token: one new token, one retry', async () => {
    const tokens = new TokenCache(clock);
    const http = client({ tokenRequest: tokenRequest(), tokens });
    await http.send({ method: 'GET', url: `${base}/a` });
    valid.clear(); // the vendor revoked it
    expect((await http.send({ method: 'GET', url: `${base}/b` })).body).toEqual({ token: 'tok-2' });
    // Refused again after the refresh: unauthorized, no loop.
    handler = (req, res) => (req.url === '/oauth/token' ? json(res, 200, { access_token: `tok-${++issued}`, expires_in: 3600 }) : json(res, 401, {}));
    const err = await failure(http.send({ method: 'GET', url: `${base}/c` }));
    expect(err.reason).toBe('unauthorized');
    expect(seen.filter((s) => s.url === '/c')).toHaveLength(2);
  });

  test('client authentication in the body; a refused token request is token_failed and names no secret', async () => {
    handler = (req, res) => json(res, 400, { error: 'invalid_client', echoed: req.body });
    const err = await failure(client({ tokenRequest: { ...tokenRequest(), clientAuth: 'body' } }).send({ method: 'GET', url: `${base}/a` }));
    expect(err.reason).toBe('token_failed');
    expect(err.status).toBe(400);
    expect(new URLSearchParams(seen[0]!.body).get('client_secret')).toBe('s3cr3t:x');
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain('s3cr3t');
  });
});
