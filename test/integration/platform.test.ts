import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { useTestHost } from '../support/host.js';

const host = useTestHost({ CORS_ORIGINS: 'https://app.pmi.example' });

describe('health', () => {
  it('reports store and bus readiness', async () => {
    const res = await host.request('GET', '/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', checks: { store: 'ok', bus: 'ok', blob: 'idle' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('probes Blob Storage once the local Azurite runs, without starting it itself', async () => {
    if (!host.app.azurite) throw new Error('the test host has no Azurite');
    await host.app.azurite();
    // Probe results are reused for 2 s: ask until a fresh probe has run.
    let blob: unknown = 'idle';
    while (blob === 'idle') {
      const res = await host.request('GET', '/api/v1/health');
      expect(res.status).toBe(200);
      blob = res.json.checks.blob;
      if (blob === 'idle') await new Promise((r) => setTimeout(r, 250));
    }
    expect(blob).toBe('ok');
  });

  it('echoes a well-formed correlation id and replaces a malformed one', async () => {
    const ok = await host.request('GET', '/api/v1/health', { headers: { 'x-correlation-id': 'abc-123' } });
    expect(ok.headers.get('x-correlation-id')).toBe('abc-123');
    const bad = await host.request('GET', '/api/v1/health', { headers: { 'x-correlation-id': 'bad id with spaces' } });
    expect(bad.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses query parameters it does not know, naming them', async () => {
    const res = await host.request('GET', '/api/v1/health?verbose=1');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.json.errors).toEqual([{ field: 'query.verbose', message: 'unknown parameter' }]);
  });
});

describe('host conventions', () => {
  it('answers unknown paths with a 404 problem', async () => {
    const res = await host.request('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ status: 404, title: 'Not found', instance: '/api/v1/nothing-here' });
    expect(res.json.correlationId).toBeTruthy();
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const res = await host.request('DELETE', '/api/v1/health');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.json.status).toBe(405);
  });

  it('grants CORS to allow-listed origins only', async () => {
    const allowed = await host.request('GET', '/api/v1/health', { headers: { origin: 'https://app.pmi.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.pmi.example');
    const other = await host.request('GET', '/api/v1/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await host.request('OPTIONS', '/api/v1/health', {
      headers: { origin: 'https://app.pmi.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('refuses a body on a route that takes none', async () => {
    const res = await host.request('GET', '/api/v1/docs/init.js');
    expect(res.status).toBe(200);
  });
});

describe('API description', () => {
  it('serves a valid OpenAPI 3.1 document covering every HTTP route', async () => {
    const res = await host.request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(res.json);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const { httpFunctions } = await import('../../functions/catalog.js');
    const { openApiPath } = await import('../../shared/http/openapi.js');
    for (const fn of httpFunctions) {
      expect(res.json.paths[openApiPath(fn.route)]?.[fn.method.toLowerCase()]).toBeDefined();
    }
  });

  it('serves the API reference page and its assets locally, with no CDN', async () => {
    const page = await host.request('GET', '/api/v1/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).not.toMatch(/https?:\/\//);
    for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
      const res = await host.request('GET', `/api/v1/docs/assets/${asset}`);
      expect(res.status).toBe(200);
    }
    const outside = await host.request('GET', '/api/v1/docs/assets/package.json');
    expect(outside.status).toBe(400);
  });
});
