import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { processLog, readableLine } from '../../../shared/platform/log.js';

function capture(pretty: boolean): { log: ReturnType<typeof processLog>; lines: () => string[] } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  return { log: processLog('info', { app: 'pmi' }, { pretty, stream }), lines: () => out.split('\n').filter(Boolean) };
}

describe('process log', () => {
  it('writes one JSON record a line when the output is not a terminal (Azure, CI)', () => {
    const { log, lines } = capture(false);
    log.info('embedded Cosmos DB server started', { endpoint: 'http://127.0.0.1:1' });
    log.debug('below the level');
    const [line, ...rest] = lines();
    expect(rest).toEqual([]);
    expect(JSON.parse(line as string)).toMatchObject({ level: 'info', msg: 'embedded Cosmos DB server started', endpoint: 'http://127.0.0.1:1', app: 'pmi' });
  });

  it('writes readable lines in a terminal: one per request, "message key=value" otherwise', async () => {
    const { log, lines } = capture(true);
    log.info('http request', { method: 'POST', path: '/api/v1/auth/login', route: 'v1/auth/login', status: 200, durationMs: 84, correlationId: 'c-1' });
    log.warn('webhook rejected', { integrationId: 'int_1', reason: 'stale timestamp' });
    await new Promise((r) => setImmediate(r));
    const [request, warning] = lines();
    expect(request).toMatch(/^\[\d\d:\d\d:\d\d(\.\d+)?\] INFO: POST \/api\/v1\/auth\/login 200 84 ms$/);
    expect(warning).toMatch(/WARN: webhook rejected integrationId=int_1 reason="stale timestamp"$/);
    expect(request).not.toContain('{');
  });
});

describe('readableLine', () => {
  it('names the function of an invocation log and falls back to the route template', () => {
    expect(readableLine({ msg: 'http request', method: 'GET', route: 'v1/health', status: 200, durationMs: 3 })).toBe('GET /api/v1/health 200 3 ms');
    expect(readableLine({ msg: 'message handler failed', function: 'importProcess', error: 'boom' })).toBe('[importProcess] message handler failed error=boom');
  });
});
