import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestHost, type TestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';

let host: TestHost;
let t: SeededTenant;

beforeAll(async () => {
  host = await startTestHost();
  t = await seedTenant(host);
});
afterAll(async () => {
  await host.stop();
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
