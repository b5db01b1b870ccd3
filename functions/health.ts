import { z } from 'zod';
import { publicAccess, type HttpFunction } from '../shared/http/route.js';
import { apiReferencePage, swaggerAsset, swaggerAssetNames, SWAGGER_INIT } from '../shared/http/api-reference.js';
import { notFound } from '../shared/http/problem.js';
import type { Config } from '../shared/platform/config.js';
import { route } from './triggers.js';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  environment: z.string(),
  checks: z.object({
    store: z.enum(['ok', 'unavailable']),
    bus: z.enum(['ok', 'unavailable']),
    blob: z.enum(['ok', 'unavailable', 'idle']).describe('Blob Storage (file drops); idle: the local Azurite has not been needed yet. Does not decide status.'),
  }),
  time: z.string(),
});

/**
 * The platform's own routes. `describeApi` yields the OpenAPI document of every route, this
 * table's included: the catalog that lists them all passes it in.
 */
export default (describeApi: (config: Config) => object): HttpFunction[] => [
  route({
    name: 'health',
    method: 'GET',
    route: 'v1/health',
    access: publicAccess,
    summary: 'Liveness and readiness of the API, the store and the bus',
    tags: ['platform'],
    responses: { 200: { description: 'Healthy', schema: healthSchema }, 503: { description: 'A dependency is down', schema: healthSchema } },
    handler: async ({ app }) => {
      const report = await app.health.report();
      return { status: report.status === 'ok' ? 200 : 503, json: report };
    },
  }),

  route({
    name: 'openapi',
    method: 'GET',
    route: 'v1/openapi.json',
    access: publicAccess,
    summary: 'The OpenAPI 3.1 description of this API, generated from the validation schemas',
    tags: ['platform'],
    responses: { 200: { description: 'OpenAPI document', contentType: 'application/json' } },
    handler: async ({ app }) => ({ json: describeApi(app.config), headers: { 'Cache-Control': 'public, max-age=300' } }),
  }),

  route({
    name: 'apiReference',
    method: 'GET',
    route: 'v1/docs',
    access: publicAccess,
    summary: 'API reference page (Swagger UI, served locally)',
    tags: ['platform'],
    responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
    handler: async () => apiReferencePage(),
  }),

  route({
    name: 'apiReferenceInit',
    method: 'GET',
    route: 'v1/docs/init.js',
    access: publicAccess,
    summary: 'Initialiser script of the API reference page',
    tags: ['platform'],
    responses: { 200: { description: 'Script', contentType: 'text/javascript' } },
    handler: async () => ({ raw: SWAGGER_INIT, contentType: 'text/javascript; charset=utf-8', headers: { 'Cache-Control': 'public, max-age=300' } }),
  }),

  route({
    name: 'apiReferenceAsset',
    method: 'GET',
    route: 'v1/docs/assets/{file}',
    access: publicAccess,
    summary: 'Static assets of the API reference page',
    tags: ['platform'],
    params: z.strictObject({ file: z.enum(swaggerAssetNames) }),
    responses: { 200: { description: 'Asset', contentType: 'application/octet-stream' } },
    handler: async ({ params }) => {
      const asset = await swaggerAsset(params.file);
      if (!asset) throw notFound('asset');
      return asset;
    },
  }),
];
