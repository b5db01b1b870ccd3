import { z } from 'zod';
import { publicAccess, requires } from '../shared/http/route.js';
import { holds } from '../shared/access/authorize.js';
import { metaOf } from '../shared/audit/emit.js';
import { etagOf } from '../shared/http/etag.js';
import { idParam } from '../shared/http/identifiers.js';
import { pageQuery } from '../shared/http/pagination.js';
import { loadConfig } from '../shared/platform/config.js';
import { viewOf } from '../shared/integrations/index.js';
import { INTEGRATION_KINDS } from '../shared/integrations/model.js';
import { connectorCatalogue } from '../shared/connectors/registry.js';
import { jsonSchemaOf, sourceTypeSchema, code } from '../shared/integrations/formats/index.js';
import { USALI_LINES } from '../shared/integrations/measures.js';
import { route, queueFunction, timerFunction } from './triggers.js';

const integrationId = z.string().regex(/^int_[A-Za-z0-9_-]{16}$/, 'not an integration id');
const importId = z.string().regex(/^imp_[A-Za-z0-9_-]{32}$/, 'not an import id');
const idParams = z.strictObject({ id: integrationId });
const importParams = z.strictObject({ id: integrationId, importId });

const mappingsInput = z.strictObject({
  departments: z.record(code, idParam).default({}),
  accounts: z.record(z.string().min(1).max(64), z.enum(USALI_LINES)).default({}),
});

/** A connector's settings or credentials: checked against the connector's own schema by the service. */
const connectorObject = z.record(z.string().max(64), z.unknown());

const createBody = z.strictObject({
  kind: z.enum(INTEGRATION_KINDS).default('webhook').describe('webhook: our signed canonical body; pull: we call the vendor on a schedule; vendor-push: the vendor calls us its own way; file: files uploaded or dropped into its blob container (SFTP)'),
  propertyId: idParam,
  sourceType: sourceTypeSchema.optional().describe("Required for a webhook; a connector integration feeds its connector's source types"),
  connector: z.string().min(1).max(64).optional().describe('pull and vendor-push: the connector id (GET /api/v1/connectors)'),
  settings: connectorObject.optional().describe("pull and vendor-push: the connector's settings (its settings JSON Schema)"),
  credentials: connectorObject.optional().describe('pull and vendor-push: the credentials (stored sealed, never returned)'),
  name: z.string().trim().min(1).max(120),
  format: z.enum(['json', 'csv']).default('json'),
  mappings: mappingsInput.default({ departments: {}, accounts: {} }),
  enabled: z.boolean().default(true),
  acceptance: z.enum(['all-or-nothing', 'row-level']).default('row-level'),
});

const patchBody = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  format: z.enum(['json', 'csv']).optional(),
  mappings: z
    .strictObject({ departments: z.record(code, idParam).optional(), accounts: z.record(z.string().min(1).max(64), z.enum(USALI_LINES)).optional() })
    .optional(),
  enabled: z.boolean().optional(),
  acceptance: z.enum(['all-or-nothing', 'row-level']).optional(),
  settings: connectorObject.optional().describe("Connector integrations: the connector's settings, whole"),
});

const credentialsBody = z.strictObject({ credentials: connectorObject.describe("The new credentials, whole (the connector's credentials JSON Schema)") });

const secretRef = z.object({ id: z.string(), createdAt: z.string(), expiresAt: z.string().optional() });
const integrationSchema = z.object({
  id: z.string(),
  kind: z.enum(INTEGRATION_KINDS),
  propertyId: z.string(),
  sourceType: sourceTypeSchema,
  sourceTypes: z.array(sourceTypeSchema),
  connector: z.string().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  credentials: z.object({ fields: z.array(z.string()).describe('Which credential fields are set (never their values)'), rotatedAt: z.string() }).optional(),
  name: z.string(),
  format: z.enum(['json', 'csv']),
  mappings: z.object({ departments: z.record(z.string(), z.string()), accounts: z.record(z.string(), z.enum(USALI_LINES)) }),
  enabled: z.boolean(),
  acceptance: z.enum(['all-or-nothing', 'row-level']),
  webhookPath: z.string().optional().describe('Webhook integrations'),
  pushPath: z.string().optional().describe('Vendor-push integrations: where the vendor posts (its authentication may add a token to the URL)'),
  filesPath: z.string().optional().describe('File integrations: where files are uploaded (POST)'),
  container: z.string().optional().describe('File integrations: the blob container files are dropped into (the SFTP home)'),
  secrets: z.array(secretRef),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const createdSchema = integrationSchema.extend({ secret: z.string().optional().describe('Webhook integrations: the signing secret (whsec_...), shown only in this response') });

const catalogueSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      vendor: z.string(),
      sourceTypes: z.array(sourceTypeSchema),
      auth: z.enum(['mews-tokens', 'oauth-client-credentials', 'bearer-token']),
      capabilities: z.object({ pull: z.boolean(), push: z.boolean(), maxWindowDays: z.number(), defaultSchedule: z.string() }),
      settings: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the settings'),
      credentials: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the credentials: field names and types only'),
    }),
  ),
});

const statusEnum = z.enum(['queued', 'accepted', 'partial', 'rejected', 'failed']);
const recordError = z.object({ row: z.number().optional(), path: z.string().optional(), recordId: z.string().optional(), field: z.string(), message: z.string() });
const importSchema = z.object({
  id: z.string(),
  integrationId: z.string(),
  propertyId: z.string(),
  sourceType: sourceTypeSchema,
  format: z.enum(['json', 'csv']),
  webhookId: z.string(),
  status: statusEnum,
  receivedAt: z.string(),
  bytes: z.number(),
  run: z.number(),
  processedRun: z.number().optional(),
  counts: z
    .object({
      records: z.number(),
      accepted: z.number(),
      rejected: z.number(),
      upserted: z.number(),
      unchanged: z.number(),
      deleted: z.number(),
      aggregatesWritten: z.number(),
      storeWrites: z.number(),
      held: z.number().optional().describe('Upserts and deletions held for approval: they would change a locked month (docs/planning.md)'),
      adjustmentId: z.string().optional().describe('The pending adjustment holding them (GET /api/v1/planning/adjustments/{id})'),
    })
    .optional(),
  errors: z.array(recordError).optional(),
  errorCount: z.number().optional(),
  failure: z.object({ reason: z.string(), detail: z.string() }).optional(),
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  processingMs: z.number().optional(),
  touchedDates: z.array(z.string()).optional(),
  raw: z.object({ chunks: z.number(), encoding: z.enum(['gzip', 'identity']).optional(), purgedAt: z.string().optional() }),
  file: z.object({ id: z.string(), name: z.string() }).optional().describe('File integrations: the file the records came from'),
});
const importRef = z.object({ importId: z.string(), status: statusEnum, receivedAt: z.string(), completedAt: z.string().optional() });
const statusSchema = z.object({
  items: z.array(
    z.object({
      integrationId: z.string(),
      name: z.string(),
      propertyId: z.string(),
      sourceType: z.string(),
      enabled: z.boolean(),
      timezone: z.string(),
      lastImport: importRef.nullable(),
      lastSuccessfulImport: importRef.nullable(),
      late: z.boolean(),
      expectedByLocalHour: z.number(),
      pendingAdjustments: z.number().int().describe("Adjustments of this integration's imports held by locked months, awaiting approval"),
    }),
  ),
});

const timeBound = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const importsQuery = z.strictObject({ status: statusEnum.optional(), from: timeBound.optional(), to: timeBound.optional(), ...pageQuery });

/** Read at load time so the body limit applies before the body is read; the default when config is unreadable (the app then fails to start anyway). */
function webhookBodyLimit(): number {
  try {
    return loadConfig().WEBHOOK_MAX_BODY_BYTES;
  } catch {
    return 5 * 1024 * 1024;
  }
}

const importMessageSchema = z.strictObject({
  tenantId: idParam,
  integrationId,
  /** Absent from messages queued by versions before partitioning by property. */
  propertyId: idParam.optional(),
  importId,
  run: z.number().int().min(1),
});

export default [
  route({
    name: 'integrationsCreate',
    method: 'POST',
    route: 'v1/integrations',
    access: requires('integrations.manage'),
    summary: "Create a source-system integration: a webhook (the response carries its signing secret, shown only once) or a connector's pull or vendor-push integration (credentials stored sealed, never returned)",
    tags: ['integrations'],
    body: createBody,
    responses: { 201: { description: 'Created', schema: createdSchema }, 400: { description: 'Invalid input (unknown property, department or account mapping, connector, settings or credentials)' } },
    handler: async ({ app, principal, body, ...call }) => {
      const { item, secret } = await app.integrations.service.create(principal, body, metaOf(call));
      return { status: 201, json: { ...viewOf(item), ...(secret ? { secret } : {}) }, etag: etagOf(item), headers: { Location: `/api/v1/integrations/${item.id}` } };
    },
  }),

  route({
    name: 'integrationsList',
    method: 'GET',
    route: 'v1/integrations',
    access: requires('imports.read'),
    summary: 'List the integrations of the properties you may see',
    tags: ['integrations'],
    responses: { 200: { description: 'Integrations', schema: z.object({ items: z.array(integrationSchema) }) } },
    handler: async ({ app, principal }) => {
      const items = await app.integrations.service.list(principal.tenantId);
      return { json: { items: items.filter((i) => holds(principal, 'imports.read', i.propertyId)).map(viewOf) } };
    },
  }),

  route({
    name: 'integrationsStatus',
    method: 'GET',
    route: 'v1/integrations/status',
    access: requires('imports.read'),
    summary: "Per integration: last import, last successful import, and whether today's data is late (property-local time)",
    tags: ['integrations'],
    responses: { 200: { description: 'Status of every visible integration', schema: statusSchema } },
    handler: async ({ app, principal }) => ({ json: { items: await app.integrations.status(principal) } }),
  }),

  route({
    name: 'integrationsSchema',
    method: 'GET',
    route: 'v1/integrations/schemas/{sourceType}',
    access: publicAccess,
    summary: 'JSON Schema of the canonical JSON body of a source type (generated from the validation schemas)',
    tags: ['integrations'],
    params: z.strictObject({ sourceType: sourceTypeSchema }),
    responses: { 200: { description: 'JSON Schema (draft 2020-12)', contentType: 'application/schema+json' } },
    handler: async ({ params }) => ({
      raw: JSON.stringify(jsonSchemaOf(params.sourceType), null, 2),
      contentType: 'application/schema+json; charset=utf-8',
      headers: { 'Cache-Control': 'public, max-age=3600' },
    }),
  }),

  route({
    name: 'integrationsGet',
    method: 'GET',
    route: 'v1/integrations/{id}',
    access: requires('imports.read'),
    summary: 'Read an integration (without its secrets)',
    tags: ['integrations'],
    params: idParams,
    responses: { 200: { description: 'The integration', schema: integrationSchema } },
    handler: async ({ app, principal, params }) => {
      const item = await app.integrations.visible(principal, params.id, 'imports.read');
      return { json: viewOf(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'integrationsUpdate',
    method: 'PATCH',
    route: 'v1/integrations/{id}',
    access: requires('integrations.manage'),
    summary: "Change name, format, mappings, enabled flag, acceptance or a connector integration's settings (If-Match honoured)",
    tags: ['integrations'],
    params: idParams,
    ifMatch: true,
    body: patchBody,
    responses: { 200: { description: 'Updated', schema: integrationSchema } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const item = await app.integrations.service.update(principal, params.id, body, ifMatch, metaOf(call));
      return { json: viewOf(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'integrationsDelete',
    method: 'DELETE',
    route: 'v1/integrations/{id}',
    access: requires('integrations.manage'),
    summary: 'Delete an integration; its webhook stops verifying. Imports, facts and aggregates stay.',
    tags: ['integrations'],
    params: idParams,
    ifMatch: true,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      await app.integrations.service.remove(principal, params.id, ifMatch, metaOf(call));
      return { status: 204 };
    },
  }),

  route({
    name: 'integrationsRotateSecret',
    method: 'POST',
    route: 'v1/integrations/{id}/rotate-secret',
    access: requires('integrations.manage'),
    summary: 'Issue a new signing secret; earlier ones stay valid for WEBHOOK_SECRET_OVERLAP_HOURS',
    tags: ['integrations'],
    params: idParams,
    responses: {
      200: {
        description: 'The new secret (shown only here)',
        schema: z.object({ secret: z.string(), secretId: z.string(), previousValidUntil: z.string(), integration: integrationSchema }),
      },
    },
    handler: async ({ app, principal, params, ...call }) => {
      const r = await app.integrations.service.rotateSecret(principal, params.id, metaOf(call));
      return { json: { secret: r.secret, secretId: r.secretId, previousValidUntil: r.previousValidUntil, integration: viewOf(r.item) }, etag: etagOf(r.item) };
    },
  }),

  route({
    name: 'integrationsWebhook',
    method: 'POST',
    route: 'v1/integrations/{id}/webhook',
    access: publicAccess,
    summary: 'Receive a batch from the source system, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)',
    tags: ['integrations'],
    params: idParams,
    rawBody: true,
    rawBodyTypes: ['application/json', 'text/csv'],
    bodyLimitBytes: webhookBodyLimit(),
    responses: {
      202: { description: 'Stored and queued (also for a redelivery of the same webhook-id)', schema: z.object({ importId: z.string() }) },
      401: { description: 'Signature missing, invalid or stale: nothing was stored' },
      409: { description: 'The integration is disabled' },
      413: { description: 'Body larger than WEBHOOK_MAX_BODY_BYTES' },
    },
    handler: async ({ app, params, rawBody, req, correlationId }) => {
      const r = await app.integrations.receive({ integrationId: params.id, headers: req.headers, body: rawBody, correlationId });
      return { status: 202, json: { importId: r.importId }, headers: { Location: `/api/v1/integrations/${params.id}/imports/${r.importId}` } };
    },
  }),

  route({
    name: 'integrationsRotateCredentials',
    method: 'PUT',
    route: 'v1/integrations/{id}/credentials',
    access: requires('integrations.manage'),
    summary: "Replace a connector integration's credentials (validated by the connector, stored sealed, never returned; audited without a value)",
    tags: ['integrations'],
    params: idParams,
    ifMatch: true,
    body: credentialsBody,
    responses: { 200: { description: 'Rotated: the integration, naming the credential fields now set', schema: integrationSchema }, 409: { description: 'A webhook integration has a signing secret, not credentials' } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const item = await app.integrations.service.rotateCredentials(principal, params.id, body.credentials, ifMatch, metaOf(call));
      return { json: viewOf(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'connectorsList',
    method: 'GET',
    route: 'v1/connectors',
    access: requires('imports.read'),
    summary: 'The connector catalogue: each vendor connector with the source types it feeds and its settings and credentials as JSON Schema',
    tags: ['integrations'],
    responses: { 200: { description: 'Connectors', schema: catalogueSchema } },
    handler: async () => ({ json: { items: connectorCatalogue() } }),
  }),

  route({
    name: 'connectorsPush',
    method: 'POST',
    route: 'v1/connectors/{connectorId}/push/{id}',
    access: publicAccess,
    summary: "Receive a vendor's own webhook call for a vendor-push integration, authenticated the vendor's way (e.g. a shared token in the URL)",
    tags: ['integrations'],
    params: z.strictObject({ connectorId: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'not a connector id').max(64), id: integrationId }),
    query: z.record(z.string().max(64), z.string().max(2048)).describe("Whatever the vendor puts in the URL (the connector's authentication reads it)"),
    rawBody: true,
    bodyLimitBytes: webhookBodyLimit(),
    responses: {
      202: { description: 'Fetched back and queued (also for a repeated event: no second import)', schema: z.object({ importIds: z.array(z.string()), healthCheck: z.boolean() }) },
      401: { description: "The vendor's authentication is missing or wrong (or the integration does not exist): nothing was done" },
      409: { description: 'The integration is disabled' },
      413: { description: 'Body larger than WEBHOOK_MAX_BODY_BYTES' },
      502: { description: 'The vendor failed while we fetched what the event names (sanitised reason)' },
    },
    handler: async ({ app, params, query, rawBody, req, correlationId }) => {
      const headers: Record<string, string> = {};
      req.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      const r = await app.integrations.receivePush({ connectorId: params.connectorId, integrationId: params.id, headers, query, body: rawBody, correlationId });
      return { status: 202, json: r };
    },
  }),

  route({
    name: 'integrationsImportsList',
    method: 'GET',
    route: 'v1/integrations/{id}/imports',
    access: requires('imports.read'),
    summary: 'Imports of an integration, newest first; filter by status and received time',
    tags: ['integrations'],
    params: idParams,
    query: importsQuery,
    responses: { 200: { description: 'A page of imports', schema: z.object({ items: z.array(importSchema), continuation: z.string().optional() }) } },
    handler: async ({ app, principal, params, query }) => ({
      json: await app.integrations.listImports(principal, params.id, {
        limit: query.limit,
        ...(query.status ? { status: query.status } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        ...(query.continuation ? { continuation: query.continuation } : {}),
      }),
    }),
  }),

  route({
    name: 'integrationsImportGet',
    method: 'GET',
    route: 'v1/integrations/{id}/imports/{importId}',
    access: requires('imports.read'),
    summary: 'One import: status, counts, per-record errors, timings',
    tags: ['integrations'],
    params: importParams,
    responses: { 200: { description: 'The import', schema: importSchema } },
    handler: async ({ app, principal, params }) => ({ json: (await app.integrations.getImport(principal, params.id, params.importId)).view }),
  }),

  route({
    name: 'integrationsImportReplay',
    method: 'POST',
    route: 'v1/integrations/{id}/imports/{importId}/replay',
    access: requires('integrations.manage'),
    summary: 'Re-run an import from its stored raw body (within the retention period)',
    tags: ['integrations'],
    params: importParams,
    responses: { 202: { description: 'Queued again', schema: z.object({ importId: z.string(), run: z.number() }) }, 409: { description: 'Raw body purged' } },
    handler: async ({ app, principal, params, ...call }) => ({
      status: 202,
      json: await app.integrations.replay(principal, params.id, params.importId, metaOf(call)),
    }),
  }),

  queueFunction({
    name: 'processImport',
    queue: 'imports',
    schema: importMessageSchema,
    handler: async ({ app, message, log }) => {
      const outcome = await app.integrations.process(message, log);
      log.debug('import processed', { importId: message.importId, run: message.run, outcome });
    },
  }),

  timerFunction({
    name: 'importsDeadLetterSweep',
    schedule: '%IMPORT_DEAD_LETTER_SCHEDULE%',
    handler: async ({ app, log }) => {
      const recorded = await app.integrations.sweepDeadLetters();
      if (recorded > 0) log.warn('dead-lettered imports recorded as failed', { recorded });
    },
  }),

  timerFunction({
    name: 'importsRawRetention',
    schedule: '%IMPORT_RETENTION_SCHEDULE%',
    handler: async ({ app }) => {
      await app.integrations.purgeRawBodies();
    },
  }),
];
