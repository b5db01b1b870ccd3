import { describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { decodeJwt } from 'jose';
import { useTestHost } from '../support/host.js';

const DEMO_PASSWORD = 'Vq7!mZ2#pLr9-wX4k-Tbn';

const host = useTestHost({ HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '600', DEMO_PASSWORD });

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Speaks HTTP/1.1 over a bare socket (fetch can't send a lying Content-Length or stall mid-headers):
 * writes `chunks`, then reads until the server closes or a whole response has arrived. A reset
 * before an answer fails the test.
 */
function raw(chunks: Array<string | Buffer>, { end = false }: { end?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(host.port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const parse = (): RawAnswer | undefined => {
      const split = data.indexOf('\r\n\r\n');
      if (split === -1) return undefined;
      const [statusLine, ...lines] = data.subarray(0, split).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? NaN);
      const body = data.subarray(split + 4);
      if (!Number.isFinite(length) || body.length < length) return undefined;
      return { status: Number(statusLine?.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8') };
    };
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      const answer = parse();
      if (!answer && !err) return;
      done = true;
      socket.destroy();
      if (answer) resolve(answer);
      else reject(err);
    };
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      finish();
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`closed without a complete answer: ${data.toString("latin1").slice(0, 3000)}`)));
    socket.on('connect', () => {
      for (const c of chunks) socket.write(c);
      if (end) socket.end();
    });
  });
}

function expectProblem(answer: RawAnswer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  const body = JSON.parse(answer.body) as { status: number; title: string };
  expect(body.status).toBe(status);
  expect(body.title.length).toBeGreaterThan(0);
}

describe('host-level errors are problem+json', () => {
  it('an over-long URL answers 414, whether it fits the header buffer or not', async () => {
    const long = await host.request('GET', `/api/v1/health?x=${'a'.repeat(10_000)}`);
    expect(long.status).toBe(414);
    const huge = await raw([`GET /api/v1/health?x=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    expectProblem(huge, 414);
  });

  it('over-long headers answer 431, and ~90 KB of them get the answer rather than a reset', async () => {
    const big = await fetch(`${host.url}/api/v1/health`, { headers: { 'x-big': 'b'.repeat(40_000) } });
    expect(big.status).toBe(431);
    expect(big.headers.get('content-type')).toContain('application/problem+json');
    const lines = Array.from({ length: 90 }, (_, i) => `x-h${i}: ${'h'.repeat(1000)}\r\n`).join('');
    expectProblem(await raw([`GET /api/v1/health HTTP/1.1\r\nHost: x\r\n${lines}\r\n`]), 431);
  });

  it('a declared Content-Length over the route limit answers 413 at once, before the body', async () => {
    const answer = await raw(['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{"a":1}']);
    expectProblem(answer, 413);
    expect(answer.headers.connection).toBe('close');
  });

  it('a body without a declared length (chunked) still stops at the route limit', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    // auth/login takes the default 1 MB: the seventeenth chunk crosses it.
    const chunks = Array.from({ length: 20 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    expectProblem(await raw(['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', ...chunks]), 413);
  });

  it('headers that never finish answer 408', async () => {
    expectProblem(await raw(['GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ']), 408);
  });

  it('a body that never finishes answers 408', async () => {
    expectProblem(await raw(['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"tenant":']), 408);
  });

  it('bytes that are not HTTP answer 400', async () => {
    expectProblem(await raw(['NOT HTTP AT ALL\r\n\r\n']), 400);
  });
});

describe('PUBLIC_BASE_URL defaults to the listening port', () => {
  it('the OpenAPI servers entry and the token issuer name the port the host picked (PORT=0)', async () => {
    expect(host.port).not.toBe(7071);
    const doc = await host.request('GET', '/api/v1/openapi.json');
    expect(doc.json.servers[0].url).toContain(`:${host.port}`);
    await host.app.identity.seedDemo();
    const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant: 'demo-hotels', email: 'user@demo-hotels.example', password: DEMO_PASSWORD } });
    expect(login.status).toBe(200);
    expect(decodeJwt(login.json.accessToken as string).iss).toBe(host.url);
  });
});
