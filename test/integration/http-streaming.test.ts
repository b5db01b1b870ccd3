import { beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { z } from 'zod';
import { publicAccess } from '../../shared/http/route.js';
import { verifyExport } from '../../shared/audit/verify.js';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { route } from '../../functions/triggers.js';

/**
 * Test-only routes: a streamed reply that fails after its first chunk, and one whose body drifts
 * from the schema it documents (the test host's response check must catch it).
 */
const fixtures = [
  route({
    name: 'testDrift',
    method: 'GET',
    route: 'v1/test/drift',
    access: publicAccess,
    summary: 'test fixture',
    tags: ['test'],
    query: z.strictObject({ as: z.enum(['number', 'text']).optional() }),
    responses: { 200: { description: 'documented as a count', schema: z.object({ count: z.number() }) } },
    handler: async ({ query }) => ({ json: { count: query.as === 'text' ? 'seven' : 7 } }),
  }),
  route({
    name: 'testStreamFails',
    method: 'GET',
    route: 'v1/test/stream-fails',
    access: publicAccess,
    summary: 'test fixture',
    tags: ['test'],
    responses: { 200: { description: 'text' } },
    handler: async () => ({
      contentType: 'text/plain',
      stream: (async function* () {
        yield 'first chunk\n';
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('store went away');
      })(),
    }),
  }),
];

const host = useTestHost({}, fixtures);
let a: SeededTenant;
beforeAll(async () => {
  a = await seedTenant(host);
});

/** The response as the socket delivers it: status, headers, and the body's chunks, or how it ended. */
function rawGet(path: string, token?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; chunks: Buffer[]; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${host.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      let aborted = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => (aborted = true));
      res.on('error', () => (aborted = true));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, aborted: aborted || !res.complete }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('streamed replies', () => {
  it('the audit export streams: chunked transfer, no length known up front, and the whole verifies', async () => {
    for (let i = 0; i < 150; i++) await host.app.audit.record({ tenantId: a.tenantId, actor: { type: 'system', id: 'filler' }, action: 'settings.updated', outcome: 'success', details: { i, pad: 'x'.repeat(400) } });
    await host.app.broker!.idle();
    const res = await rawGet('/api/v1/audit/export', a.users.owner.token);
    expect(res.status).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.aborted).toBe(false);
    const text = Buffer.concat(res.chunks).toString('utf8');
    const keys = (await host.request('GET', '/api/v1/.well-known/audit-keys.json')).json;
    const result = await verifyExport(text, keys);
    expect(result.ok).toBe(true);
    expect(result.entries).toBeGreaterThan(150);
  });

  it('a stream that fails midway is cut short, never completed with an error document appended', async () => {
    const res = await rawGet('/api/v1/test/stream-fails');
    expect(res.status).toBe(200);
    expect(Buffer.concat(res.chunks).toString('utf8')).toBe('first chunk\n');
    expect(res.aborted).toBe(true);
    // The host keeps serving.
    expect((await host.request('GET', '/api/v1/health')).status).toBe(200);
  });

  it('HEAD of a streamed route sends the headers and no body', async () => {
    const res = await fetch(`${host.url}/api/v1/audit/export`, { method: 'HEAD', headers: { authorization: `Bearer ${a.users.owner.token}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('documented responses', () => {
  it("fails a test whose response drifts from its route's documented schema", async () => {
    expect((await host.request('GET', '/api/v1/test/drift')).json).toEqual({ count: 7 });
    await expect(host.request('GET', '/api/v1/test/drift?as=text')).rejects.toThrow('documented schema refuses');
  });
});
