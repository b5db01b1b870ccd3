import { z } from 'zod';
import { authenticated, platformOnly, type Reply } from '../shared/http/route.js';
import type { Principal } from '../shared/access/principal.js';
import { tenantDataAccess, type DataKind } from '../shared/access/tenant-data.js';
import type { App } from '../shared/app.js';
import { badRequest, forbidden, notFound } from '../shared/http/problem.js';
import { idSchema, text } from '../shared/identity/http/schemas.js';
import { actorOf, metaOf } from '../shared/audit/emit.js';
import { jobView, REDACTION_STEPS, type RedactionJobItem } from '../shared/privacy/index.js';
import type { RedactionRequester } from '../shared/privacy/model.js';
import { route, queueFunction, timerFunction } from './triggers.js';

const tenantQuery = z.strictObject({ tenantId: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/).optional() });

const requestBody = {
  reason: text(500),
  requestedBy: text(200).describe('Who asked (a ticket reference or the requesting contact); must not name the person being redacted'),
  contactVerification: text(500).optional().describe('Platform operators only, required there: how the tenant contact was verified'),
};

const jobSchema = z.object({
  jobId: z.string(),
  subjectKind: z.enum(['user', 'employee']),
  userId: z.string().nullable(),
  pseudonym: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  stepsDone: z.array(z.enum(REDACTION_STEPS)),
  steps: z.array(z.enum(REDACTION_STEPS)),
  counts: z.record(z.string(), z.number()),
  requestedVia: z.enum(['tenant-user', 'platform-operator']),
  requestedAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  attempts: z.number().int(),
  failure: z.string().nullable(),
});

const accepted = z.object({ jobId: z.string(), status: z.enum(['queued', 'running', 'completed', 'failed']) });

/** 202 for a job under way (new or the open one); 200 with the completed job when the person was redacted already. */
function jobReply(job: RedactionJobItem): Reply {
  return { status: job.status === 'completed' ? 200 : 202, json: { jobId: job.id, status: job.status }, headers: { Location: `/api/v1/redaction-jobs/${job.id}` } };
}

/**
 * The tenant a privacy request acts on, and how it was asked for: a tenant user needs privacy.manage
 * in their own tenant (another tenant's objects are 404); a platform operator names the tenant
 * (`?tenantId=`) and must record how the requesting tenant contact was verified. Starting a
 * redaction discloses nothing personal (the reply is a job id), so the access kernel lets an
 * operator do it without a support grant.
 */
async function requestScope(app: App, principal: Principal, tenantId: string | undefined, contactVerification: string | undefined): Promise<{ tenantId: string; requester: RedactionRequester; actor: Principal }> {
  if (principal.kind === 'platform-operator') {
    if (!tenantId) throw badRequest('Platform operators must name the tenant.', [{ field: 'query.tenantId', message: 'required for platform operators' }]);
    if (!contactVerification) throw badRequest('Record how the tenant contact was verified.', [{ field: 'body.contactVerification', message: 'required for platform operators' }]);
  }
  const access = await tenantDataAccess(principal, tenantId, 'privacy.manage', 'non-personal', app.identity.secondFactors.supportGrants, 'user');
  if (principal.kind === 'platform-operator') {
    if (!(await app.identity.tenants.get(access.tenantId))) throw notFound('tenant');
    return { tenantId: access.tenantId, requester: { via: 'platform-operator', actorId: principal.userId }, actor: access.principal };
  }
  return { tenantId: access.tenantId, requester: { via: 'tenant-user', actorId: principal.userId }, actor: access.principal };
}

/**
 * The tenant a privacy read is about (tenantDataAccess decides): a job's status is not personal; a
 * data-subject export is, so a platform operator needs the tenant's support grant with privacy.manage.
 */
async function readScope(app: App, principal: Principal, tenantId: string | undefined, kind: DataKind, objectKind: string): Promise<{ tenantId: string; reader: Principal }> {
  if (principal.kind === 'platform-operator' && !tenantId) {
    throw badRequest('Platform operators must name the tenant.', [{ field: 'query.tenantId', message: 'required for platform operators' }]);
  }
  const access = await tenantDataAccess(principal, tenantId, 'privacy.manage', kind, app.identity.secondFactors.supportGrants, objectKind);
  return { tenantId: access.tenantId, reader: access.principal };
}

export default [
  route({
    name: 'privacyRedactUser',
    method: 'POST',
    route: 'v1/users/{id}/redaction',
    access: authenticated,
    summary: 'Redact a person with an account (privacy.manage, or a platform operator for a verified tenant contact): 202 with the job',
    tags: ['privacy'],
    params: z.strictObject({ id: idSchema }),
    query: tenantQuery,
    body: z.strictObject(requestBody),
    responses: {
      200: { description: 'Already redacted: the job that did it (no new job starts)', schema: accepted },
      202: { description: 'Accepted; the open job for this person if there is one', schema: accepted },
      404: { description: 'No such user in the tenant' },
      409: { description: 'The last owner of the tenant' },
    },
    handler: async ({ app, principal, params, query, body, ...call }) => {
      const { tenantId, requester, actor: by } = await requestScope(app, principal, query.tenantId, body.contactVerification);
      const { job } = await app.privacy.requestUserRedaction(tenantId, params.id, body, requester, actorOf(by), metaOf(call));
      return jobReply(job);
    },
  }),

  route({
    name: 'privacyRedactEmployee',
    method: 'POST',
    route: 'v1/data-subjects/redaction',
    access: authenticated,
    summary: 'Redact a person known only from time-keeping imports, by employee number: 202 with the job',
    tags: ['privacy'],
    query: tenantQuery,
    body: z.strictObject({ employeeNumber: text(64), ...requestBody }),
    responses: {
      200: { description: 'Already redacted: the job that did it (no new job starts)', schema: accepted },
      202: { description: 'Accepted; the open job for this person if there is one', schema: accepted },
    },
    handler: async ({ app, principal, query, body, ...call }) => {
      const { tenantId, requester, actor: by } = await requestScope(app, principal, query.tenantId, body.contactVerification);
      const { employeeNumber, ...input } = body;
      const { job } = await app.privacy.requestEmployeeRedaction(tenantId, employeeNumber, input, requester, actorOf(by), metaOf(call));
      return jobReply(job);
    },
  }),

  route({
    name: 'privacyRedactionJob',
    method: 'GET',
    route: 'v1/redaction-jobs/{jobId}',
    access: authenticated,
    summary: 'Status of a redaction job: steps done, counts, timestamps',
    tags: ['privacy'],
    params: z.strictObject({ jobId: idSchema }),
    query: tenantQuery,
    responses: { 200: { description: 'The job', schema: jobSchema }, 404: { description: 'No such job in the tenant' } },
    handler: async ({ app, principal, params, query }) => {
      const { tenantId } = await readScope(app, principal, query.tenantId, 'non-personal', 'redaction job');
      const job = await app.privacy.job(tenantId, params.jobId);
      if (!job) throw notFound('redaction job');
      return { json: jobView(job), headers: { 'Cache-Control': 'no-store' } };
    },
  }),

  route({
    name: 'privacyExportUser',
    method: 'GET',
    route: 'v1/users/{id}/export',
    access: authenticated,
    summary: 'Data-subject export of a user (privacy.manage; platform operators: ?tenantId= under a support grant of that tenant with privacy.manage): everything held about the person as one JSON document',
    tags: ['privacy'],
    params: z.strictObject({ id: idSchema }),
    query: tenantQuery,
    responses: {
      200: { description: 'The export', schema: z.object({ format: z.literal('pmi.subject-export.v1') }).loose() },
      403: { description: 'A platform operator without an active support grant of the tenant that includes privacy.manage' },
      404: { description: 'No such user in the tenant' },
    },
    handler: async ({ app, principal, params, query, ...call }) => {
      const { tenantId, reader } = await readScope(app, principal, query.tenantId, 'personal', 'user');
      const doc = await app.privacy.exportUser(tenantId, params.id, actorOf(reader), metaOf(call));
      return { json: doc, headers: { 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="subject-export-${params.id}.json"` } };
    },
  }),

  route({
    name: 'privacyExportMe',
    method: 'GET',
    route: 'v1/me/export',
    access: authenticated,
    summary: 'Your own data-subject export: everything held about you as one JSON document',
    tags: ['privacy'],
    responses: { 200: { description: 'The export', schema: z.object({ format: z.literal('pmi.subject-export.v1') }).loose() } },
    handler: async ({ app, principal, ...call }) => {
      if (principal.kind !== 'user') throw forbidden('Only tenant users have a data-subject export here.');
      const doc = await app.privacy.exportUser(principal.tenantId, principal.userId, actorOf(principal), metaOf(call));
      return { json: doc, headers: { 'Cache-Control': 'no-store', 'Content-Disposition': 'attachment; filename="my-data.json"' } };
    },
  }),

  route({
    name: 'privacyReapplyRedactions',
    method: 'POST',
    route: 'v1/platform/privacy/reapply-redactions',
    access: platformOnly,
    summary: 'Restore runbook: re-apply every completed redaction (and the subjects listed) after a point-in-time restore; audited per tenant',
    tags: ['platform', 'privacy'],
    body: z.strictObject({
      subjects: z
        .array(z.strictObject({ tenantId: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/), subjectId: z.string().min(1).max(200).regex(/^[A-Za-z0-9_:=-]+$/) }))
        .max(10_000)
        .default([]),
    }),
    responses: { 200: { description: 'How many jobs and listed subjects were re-applied', schema: z.object({ jobs: z.number().int(), subjects: z.number().int() }) } },
    handler: async ({ app, principal, body, ...call }) => ({ json: await app.privacy.reapplyRedactions(body.subjects, actorOf(principal), metaOf(call)) }),
  }),

  queueFunction({
    name: 'privacyRedaction',
    queue: 'redaction',
    schema: z.object({ tenantId: z.string().min(1), jobId: z.string().min(1) }),
    handler: async ({ app, message, metadata, log }) => {
      const job = await app.privacy.runJob(message.tenantId, message.jobId, { deliveryCount: metadata.deliveryCount, maxDeliveryCount: app.config.BUS_MAX_DELIVERY_COUNT });
      if (!job) log.warn('redaction message names no job; dropped', { tenantId: message.tenantId, jobId: message.jobId });
      // The key ids go to Application Insights as well: the log outlives a database restore, and the
      // restore runbook re-applies what it lists (docs/privacy.md §Backups). They are pseudonymous ids.
      else if (job.status === 'completed') log.info('privacy.redaction_completed', { event: 'privacy.redaction_completed', tenantId: job.tenantId, jobId: job.id, subjectIds: job.subjectIds.join(' ') });
    },
  }),

  timerFunction({
    name: 'privacyRetention',
    schedule: '%PRIVACY_RETENTION_SCHEDULE%',
    handler: async ({ app }) => {
      await app.privacy.purgeExpired();
    },
  }),

  timerFunction({
    name: 'keysRewrap',
    schedule: '%KEYS_REWRAP_SCHEDULE%',
    handler: async ({ app }) => {
      await app.privacy.rewrapDataKeys();
    },
  }),
];
