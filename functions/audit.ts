import { z } from 'zod';
import { authenticated, publicAccess } from '../shared/http/route.js';
import { holds } from '../shared/access/authorize.js';
import type { Principal } from '../shared/access/principal.js';
import { tenantDataAccess, type DataKind } from '../shared/access/tenant-data.js';
import type { App } from '../shared/app.js';
import type { Viewer } from '../shared/audit/views.js';
import { auditEventSchema } from '../shared/audit/schema.js';
import { checkpointDueSchema } from '../shared/audit/checkpoint-due.js';
import { jwksSchema } from '../shared/identity/http/schemas.js';
import { decodeContinuation, encodeContinuation, pageQuery } from '../shared/http/pagination.js';
import { queueFunction, timerFunction, route } from './triggers.js';

const tenantParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/).optional();
const isoTime = z.iso.datetime({ offset: true }).optional();

/**
 * Which chain a caller may read, and how (the rule itself is the access kernel's tenantDataAccess):
 * tenant users and support agents their own tenant with audit.read (another tenant's chain is a
 * 404), in the customer view, with IPs and user agents only under audit.read.network. Platform
 * operators name any tenant (`?tenantId=`): its verification (non-personal) freely; its entries
 * (names, IPs: personal) only under a support grant of that tenant with audit.read, in the full view.
 */
async function scope(app: App, principal: Principal, requested: string | undefined, kind: DataKind): Promise<{ tenantId: string; reader: Principal; viewer: Viewer }> {
  const { tenantId, principal: reader } = await tenantDataAccess(principal, requested, 'audit.read', kind, app.identity.secondFactors.supportGrants, 'audit log');
  const operator = principal.kind === 'platform-operator';
  const ownChain = operator && tenantId === principal.tenantId;
  return { tenantId, reader, viewer: { full: operator, network: ownChain || holds(reader, 'audit.read.network') } };
}

const verifySchema = z.object({
  ok: z.boolean(),
  checkedFrom: z.number().int(),
  checkedTo: z.number().int(),
  entries: z.number().int(),
  unsignedTail: z.number().int().describe('Entries after the last signed checkpoint (signed within AUDIT_CHECKPOINT_DELAY_SECONDS of their append)'),
  firstBrokenSeq: z.number().int().optional(),
  reason: z.string().optional(),
});

const viewEntrySchema = z.object({
  seq: z.number().int(),
  eventId: z.string(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  action: z.string(),
  outcome: z.string(),
  actor: z.object({ type: z.string(), id: z.string().optional(), display: z.string().nullable(), supportGrantId: z.string().optional() }),
  target: z.object({ type: z.string(), id: z.string(), display: z.string().nullable() }).optional(),
  changes: z.record(z.string(), z.object({ before: z.unknown().optional(), after: z.unknown().optional() })).optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  correlationId: z.string().optional(),
  ip: z.string().nullable().optional(),
  userAgent: z.string().nullable().optional(),
  hash: z.string(),
});

export default [
  // Session-enabled queue (sessionId = tenantId): one consumer per tenant at a time, in order. Besides
  // events it carries the tenant's scheduled "checkpoint due" requests, which then sign the head as
  // the appends queued before them left it.
  queueFunction({
    name: 'auditAppend',
    queue: 'audit',
    schema: z.union([checkpointDueSchema, auditEventSchema]),
    handler: async ({ app, message, log }) => {
      if ('type' in message) {
        const cp = await app.audit.checkpoint(message.tenantId);
        log.debug('audit checkpoint due', { tenantId: message.tenantId, seq: cp?.seq });
        return;
      }
      const outcome = await app.audit.append(message);
      log.debug('audit event processed', { eventId: message.id, outcome });
    },
  }),

  // The sweep: signs each tenant's chain head that moved since its last checkpoint.
  timerFunction({
    name: 'auditCheckpoint',
    schedule: '%AUDIT_CHECKPOINT_SCHEDULE%',
    handler: async ({ app, log }) => {
      const made = await app.audit.checkpointAll();
      log.info('audit checkpoints signed', { checkpoints: made });
    },
  }),

  // Verifies every chain from its last good checkpoint; breaks are logged and audited.
  timerFunction({
    name: 'auditVerifyNightly',
    schedule: '%AUDIT_VERIFY_SCHEDULE%',
    handler: async ({ app, log }) => {
      const { tenants, failed } = await app.audit.verifyAll();
      log.info('audit chains verified', { tenants, failed: failed.length });
    },
  }),

  route({
    name: 'auditKeys',
    method: 'GET',
    route: 'v1/.well-known/audit-keys.json',
    access: publicAccess,
    summary: 'Public keys (JWKS) that verify audit checkpoint signatures, for offline verification of exports',
    tags: ['audit'],
    responses: { 200: { description: 'JSON Web Key Set', schema: jwksSchema } },
    handler: async ({ app }) => ({ json: await app.audit.publicKeys(), headers: { 'Cache-Control': 'public, max-age=300' } }),
  }),

  route({
    name: 'auditList',
    method: 'GET',
    route: 'v1/audit',
    access: authenticated,
    summary: 'The tenant audit log, newest first (audit.read; customer view redacted; platform operators: full view of ?tenantId= under a support grant of that tenant with audit.read)',
    tags: ['audit'],
    query: z.strictObject({
      tenantId: tenantParam,
      from: isoTime,
      to: isoTime,
      actorId: z.string().min(1).max(128).optional(),
      action: z.string().regex(/^[a-z]+(\.[a-z_]+)+$/).optional(),
      targetType: z.string().min(1).max(64).optional(),
      targetId: z.string().min(1).max(128).optional(),
      ...pageQuery,
    }),
    responses: {
      200: { description: 'One page of entries', schema: z.object({ items: z.array(viewEntrySchema), continuation: z.string().optional() }) },
      403: { description: "A platform operator without an active support grant of the tenant that includes audit.read" },
    },
    handler: async ({ app, principal, query, correlationId, ip, userAgent }) => {
      const { tenantId, viewer, reader } = await scope(app, principal, query.tenantId, 'personal');
      const { continuation: token, limit, ...filter } = query;
      const queryScope = { tenantId, filter, viewer };
      const continuation = decodeContinuation(token, queryScope);
      const page = await app.audit.list(tenantId, filter, viewer, { limit, ...(continuation ? { continuation } : {}) });
      await app.audit.viewed(tenantId, reader, { view: 'list', count: page.items.length }, { correlationId, ip, userAgent });
      const next = encodeContinuation(page.continuation, queryScope);
      return { json: next ? { items: page.items, continuation: next } : { items: page.items } };
    },
  }),

  route({
    name: 'auditVerify',
    method: 'GET',
    route: 'v1/audit/verify',
    access: authenticated,
    summary: "Verifies the tenant's audit chain and checkpoint signatures (audit.read; platform operators: any ?tenantId=)",
    tags: ['audit'],
    query: z.strictObject({ tenantId: tenantParam }),
    responses: { 200: { description: 'Verification result', schema: verifySchema } },
    handler: async ({ app, principal, query, correlationId, ip, userAgent }) => {
      const { tenantId, reader } = await scope(app, principal, query.tenantId, 'non-personal');
      const result = await app.audit.verify(tenantId);
      await app.audit.viewed(tenantId, reader, { view: 'verify', count: result.entries }, { correlationId, ip, userAgent });
      return { json: result };
    },
  }),

  route({
    name: 'auditExport',
    method: 'GET',
    route: 'v1/audit/export',
    access: authenticated,
    summary: 'Exports the audit chain as NDJSON (metadata, checkpoints, entries with their display names) for offline verification (audit.read; platform operators: ?tenantId= under a support grant with audit.read)',
    tags: ['audit'],
    query: z.strictObject({ tenantId: tenantParam, from: isoTime, to: isoTime }),
    responses: {
      200: { description: 'NDJSON export', contentType: 'application/x-ndjson' },
      403: { description: 'A platform operator without an active support grant of the tenant that includes audit.read' },
    },
    handler: async ({ app, principal, query, correlationId, ip, userAgent }) => {
      const { tenantId, viewer, reader } = await scope(app, principal, query.tenantId, 'personal');
      const range = { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
      const keysUrl = new URL('/api/v1/.well-known/audit-keys.json', app.config.PUBLIC_BASE_URL).toString();
      const lines = app.audit.exportLines(tenantId, range, keysUrl, viewer);
      // The metadata line comes first and names the range, so the read is audited before any entry leaves.
      const first = await lines.next();
      const meta = first.done ? undefined : (JSON.parse(first.value) as { firstSeq: number; lastSeq: number });
      const count = meta && meta.lastSeq > 0 ? meta.lastSeq - meta.firstSeq + 1 : 0;
      await app.audit.viewed(tenantId, reader, { view: 'export', count }, { correlationId, ip, userAgent });
      // Lines leave in chunks of about 64 KiB: a chunk per line would be a write per entry.
      async function* ndjson(): AsyncGenerator<string> {
        let chunk = first.done ? '' : first.value + '\n';
        for await (const line of lines) {
          chunk += line + '\n';
          if (chunk.length >= 65_536) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      }
      return {
        stream: ndjson(),
        contentType: 'application/x-ndjson',
        headers: { 'Content-Disposition': `attachment; filename="audit-${tenantId}.ndjson"` },
      };
    },
  }),
];
