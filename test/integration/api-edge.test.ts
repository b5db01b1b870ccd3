import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';

const host = useTestHost();
let t: SeededTenant;

beforeAll(async () => {
  t = await seedTenant(host);
});

describe('validation messages name the field and say what is wrong', () => {
  it('a repeated query parameter is "given twice", not "expected number, received NaN"', async () => {
    const res = await host.request('GET', '/api/v1/users?limit=5&limit=6', { token: t.users.owner.token });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field: 'query.limit', message: 'given 2 times; send it once' }]);
  });

  it('a query value that is not a number says so, without NaN', async () => {
    const res = await host.request('GET', '/api/v1/users?limit=ten', { token: t.users.owner.token });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field: 'query.limit', message: 'must be a number' }]);
  });

  it('a missing body field is "required", not "received undefined"', async () => {
    const res = await host.request('POST', '/api/v1/auth/login', { body: { tenant: t.slug, email: t.users.owner.email } });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field: 'body.password', message: 'required' }]);
    const nested = await host.request('POST', '/api/v1/roles', { token: t.users.owner.token, body: { permissions: ['users.read'] } });
    expect(nested.json.errors).toEqual([{ field: 'body.name', message: 'required' }]);
  });
});

describe('POST /auth/refresh', () => {
  it('documents its JSON body with the refreshToken field, optional, and no CSV variant', async () => {
    const doc = (await host.request('GET', '/api/v1/openapi.json')).json;
    const body = doc.paths['/api/v1/auth/refresh'].post.requestBody;
    expect(Object.keys(body.content)).toEqual(['application/json']);
    expect(body.required).toBe(false);
    expect(body.content['application/json'].schema.properties.refreshToken).toMatchObject({ type: 'string', minLength: 10 });
    // The webhook takes CSV, and says so.
    expect(Object.keys(doc.paths['/api/v1/integrations/{id}/webhook'].post.requestBody.content).sort()).toEqual(['application/json', 'text/csv']);
  });

  it('takes the token from the body, or no body at all (cookie clients)', async () => {
    const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant: t.slug, email: t.users.owner.email, password: t.users.owner.password } });
    const refreshed = await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.json.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await host.request('POST', '/api/v1/auth/refresh')).status).toBe(401);
    const unknown = await host.request('POST', '/api/v1/auth/refresh', { body: { refresh: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([{ field: 'body', message: expect.stringContaining("'refresh'") }]);
  });
});

describe('If-Match on every mutating route', () => {
  it('the OpenAPI document declares If-Match and 412 on every PATCH, PUT and DELETE operation', async () => {
    const doc = (await host.request('GET', '/api/v1/openapi.json')).json as {
      paths: Record<string, Record<string, { operationId: string; parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown> }>>;
    };
    const mutating = Object.values(doc.paths).flatMap((ops) => Object.entries(ops).filter(([m]) => ['patch', 'put', 'delete'].includes(m)).map(([, op]) => op));
    const { httpFunctions } = await import('../../functions/catalog.js');
    expect(mutating.length).toBe(httpFunctions.filter((fn) => ['PATCH', 'PUT', 'DELETE'].includes(fn.method)).length);
    expect(mutating.length).toBeGreaterThan(0);
    const missing = mutating
      .filter((op) => !op.parameters?.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match') || !op.responses['412'])
      .map((op) => op.operationId);
    expect(missing).toEqual([]);
  });

  it('DELETE /roles/{id} answers 412 on a stale ETag and deletes on the current one', async () => {
    const token = t.users.owner.token;
    const created = await host.request('POST', '/api/v1/roles', { token, body: { name: 'Night auditor', permissions: ['users.read'] } });
    expect(created.status).toBe(201);
    const first = created.headers.get('etag') as string;
    const renamed = await host.request('PATCH', `/api/v1/roles/${created.json.id}`, { token, headers: { 'if-match': first }, body: { name: 'Night audit' } });
    expect(renamed.status).toBe(200);
    const current = renamed.headers.get('etag') as string;
    expect(current).not.toBe(first);

    for (const stale of [first, '"stale"']) {
      const refused = await host.request('DELETE', `/api/v1/roles/${created.json.id}`, { token, headers: { 'if-match': stale } });
      expect(refused.status).toBe(412);
    }
    expect((await host.request('GET', `/api/v1/roles/${created.json.id}`, { token })).status).toBe(200);
    const audit = async () => (await host.request('GET', '/api/v1/audit?action=role.deleted', { token })).json?.items?.length ?? 0;
    const before = await audit();

    expect((await host.request('DELETE', `/api/v1/roles/${created.json.id}`, { token, headers: { 'if-match': current } })).status).toBe(204);
    expect((await host.request('GET', `/api/v1/roles/${created.json.id}`, { token })).status).toBe(404);
    expect((await host.request('GET', '/api/v1/roles', { token })).json.items.map((r: { id: string }) => r.id)).not.toContain(created.json.id);
    // The stale attempts emitted nothing; the deletion emitted its event (delivered through the outbox).
    await waitFor(async () => (await audit()) === before + 1);
  });

  it('DELETE /users/{id} answers 412 on a stale ETag and removes on the current one', async () => {
    const token = t.users.owner.token;
    const invited = await host.request('POST', '/api/v1/users', { token, body: { email: 'ifmatch@example.test', firstName: 'If', lastName: 'Match', roles: [] } });
    expect(invited.status).toBe(201);
    const first = invited.headers.get('etag') as string;
    const patched = await host.request('PATCH', `/api/v1/users/${invited.json.id}`, { token, headers: { 'if-match': first }, body: { jobTitle: 'Night auditor' } });
    expect(patched.status).toBe(200);
    const current = patched.headers.get('etag') as string;

    for (const stale of [first, '"stale"', 'W/"stale", "also-stale"']) {
      expect((await host.request('DELETE', `/api/v1/users/${invited.json.id}`, { token, headers: { 'if-match': stale } })).status).toBe(412);
    }
    expect((await host.request('GET', `/api/v1/users/${invited.json.id}`, { token })).json.status).toBe('invited');

    const removed = await host.request('DELETE', `/api/v1/users/${invited.json.id}`, { token, headers: { 'if-match': current } });
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual({ outcome: 'removed' });
    expect((await host.request('GET', `/api/v1/users/${invited.json.id}`, { token })).status).toBe(404);
  });

  it('refuses a malformed If-Match with 400 naming the header, and changes nothing', async () => {
    const token = t.users.owner.token;
    const created = await host.request('POST', '/api/v1/roles', { token, body: { name: 'Malformed probe', permissions: ['users.read'] } });
    const res = await host.request('DELETE', `/api/v1/roles/${created.json.id}`, { token, headers: { 'if-match': 'stale' } });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field: 'header.if-match', message: expect.stringContaining('quoted entity tags') }]);
    expect((await host.request('GET', `/api/v1/roles/${created.json.id}`, { token })).status).toBe(200);
    expect((await host.request('DELETE', `/api/v1/roles/${created.json.id}`, { token, headers: { 'if-match': '*' } })).status).toBe(204);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met');
}
