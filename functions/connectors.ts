import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { metaOf } from '../shared/audit/emit.js';
import { etagOf } from '../shared/http/etag.js';
import { idParam } from '../shared/http/identifiers.js';
import { MAX_BACKFILL_DAYS } from '../shared/connectors/runs/index.js';
import { isValidNcrontab } from '../shared/platform/ncrontab.js';
import { route, queueFunction, timerFunction } from './triggers.js';

const integrationId = z.string().regex(/^int_[A-Za-z0-9_-]{16}$/, 'not an integration id');
const idParams = z.strictObject({ id: integrationId });

const runKind = z.enum(['pull', 'backfill']);
const runSchema = z.object({
  runId: z.string().describe('Derived from the integration and the window: the same window is the same run'),
  kind: runKind,
  from: z.string().describe('Pull: ISO instant (inclusive). Backfill: business date (inclusive)'),
  to: z.string().describe('Pull: ISO instant (exclusive). Backfill: business date (inclusive)'),
  queuedAt: z.string(),
  startedAt: z.string().optional(),
});

const backfillBody = z.strictObject({
  from: z.iso.date().describe('First business date (YYYY-MM-DD)'),
  to: z.iso.date().describe(`Last business date (YYYY-MM-DD), at most ${MAX_BACKFILL_DAYS} days after from`),
});

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM');
const settingsBody = z.strictObject({
  schedule: z.string().refine(isValidNcrontab, 'a six-field NCRONTAB expression (UTC)').optional(),
  expectedArrival: z
    .strictObject({
      localTime: localTime.optional().describe("When a day's data is expected, in the property's time zone"),
      dataOffsetDays: z.number().int().min(0).max(31).optional().describe('The business date expected by then is today minus this many days'),
    })
    .optional(),
});

const statusSchema = z.object({
  integrationId: z.string(),
  connector: z.string(),
  state: z.enum(['Updated', 'In progress', 'Waiting for data', 'Not updated']).describe("d2o's import states, judged in the property's time zone"),
  expectedDate: z.string().describe('The business date expected today (today minus the data offset)'),
  expectedBy: z.string().describe('When it is expected: the expected local time today, as an instant'),
  arrived: z.boolean(),
  circuit: z.enum(['closed', 'failing']),
  nextRunAt: z.string().nullable(),
  timezone: z.string(),
  schedule: z.string().describe('NCRONTAB (six fields, UTC) of the scheduled pull'),
  expectedArrival: z.object({ localTime: z.string(), dataOffsetDays: z.number().int() }),
  watermark: z.string().describe('Everything the vendor changed before this instant has been handed to the import pipeline'),
  lastSuccessfulRun: z.object({ runId: z.string(), kind: runKind, completedAt: z.string(), recordsRead: z.number() }).nullable(),
  lastRun: z.object({ runId: z.string(), kind: runKind, outcome: z.enum(['succeeded', 'failed', 'skipped']), at: z.string() }).nullable(),
  recordsRead: z.number().describe('Vendor objects read over the life of the integration'),
  lastError: z.object({ at: z.string(), runId: z.string(), message: z.string().describe('Sanitised: no credential, URL query or vendor body') }).nullable(),
  consecutiveFailures: z.number().int(),
  backfill: z.object({ pendingWindows: z.number().int(), doneWindows: z.number().int(), pending: z.array(z.object({ from: z.string(), to: z.string() })) }),
  queuedRun: runSchema.nullable(),
});

const runMessageSchema = z.strictObject({
  tenantId: idParam,
  integrationId,
  runId: z.string().min(1).max(128),
  kind: runKind,
  from: z.string().min(1),
  to: z.string().min(1),
  generation: z.number().int().min(1).optional(),
});

export default [
  route({
    name: 'connectorRunNow',
    method: 'POST',
    route: 'v1/integrations/{id}/runs',
    access: requires('integrations.manage'),
    summary: 'Run a connector integration now: queues the current change-feed window (a run already queued or running is answered instead); closes an open circuit',
    tags: ['integrations'],
    params: idParams,
    ifMatch: true,
    responses: {
      202: { description: 'Queued (or already queued)', schema: z.object({ run: runSchema }) },
      404: { description: 'No such integration, or it does not pull' },
      409: { description: 'The integration is disabled, or up to date (nothing new to read yet)' },
    },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      const { run, state } = await app.connectorRuns.runNow(principal, params.id, ifMatch, metaOf(call));
      return { status: 202, json: { run }, etag: etagOf(state), headers: { Location: `/api/v1/integrations/${params.id}/status` } };
    },
  }),

  route({
    name: 'connectorBackfill',
    method: 'POST',
    route: 'v1/integrations/{id}/backfill',
    access: requires('integrations.manage'),
    summary: `Load the business dates from..to again from the vendor (at most ${MAX_BACKFILL_DAYS} days), in resumable windows`,
    tags: ['integrations'],
    params: idParams,
    ifMatch: true,
    body: backfillBody,
    responses: {
      202: {
        description: 'Planned; the first window is queued unless a run is in flight',
        schema: z.object({ generation: z.number().int(), windows: z.number().int(), run: runSchema.nullable() }),
      },
      400: { description: 'Invalid dates, to before from, or a range too long' },
      404: { description: 'No such integration, or it does not pull' },
      409: { description: 'The integration is disabled' },
    },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const r = await app.connectorRuns.requestBackfill(principal, params.id, body, ifMatch, metaOf(call));
      return { status: 202, json: { generation: r.generation, windows: r.windows, run: r.run ?? null }, etag: etagOf(r.state), headers: { Location: `/api/v1/integrations/${params.id}/status` } };
    },
  }),

  route({
    name: 'connectorStatus',
    method: 'GET',
    route: 'v1/integrations/{id}/status',
    access: requires('imports.read'),
    summary: 'Status of a connector integration: Updated / In progress / Waiting for data / Not updated, last successful run, next run, records read, last error',
    tags: ['integrations'],
    params: idParams,
    responses: { 200: { description: 'The status', schema: statusSchema }, 404: { description: 'No such integration, or it does not pull' } },
    handler: async ({ app, principal, params }) => {
      const { view, state } = await app.connectorRuns.status(principal, params.id);
      return { json: view, etag: etagOf(state) };
    },
  }),

  route({
    name: 'connectorRunSettings',
    method: 'PATCH',
    route: 'v1/integrations/{id}/run-settings',
    access: requires('integrations.manage'),
    summary: "Change a connector integration's pull schedule and expected arrival (local time, data offset); If-Match against the status's ETag",
    tags: ['integrations'],
    params: idParams,
    ifMatch: true,
    body: settingsBody,
    responses: { 200: { description: 'The status with the new settings', schema: statusSchema }, 404: { description: 'No such integration, or it does not pull' } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const { view, state } = await app.connectorRuns.changeSettings(principal, params.id, body, ifMatch, metaOf(call));
      return { json: view, etag: etagOf(state) };
    },
  }),

  queueFunction({
    name: 'connectorRun',
    queue: 'connector-runs',
    schema: runMessageSchema,
    handler: async ({ app, message, log }) => {
      const outcome = await app.connectorRuns.run(message, log);
      log.debug('connector run', { runId: message.runId, outcome });
    },
  }),

  // Fans due connector integrations out to the connector-runs queue, one message per run.
  timerFunction({
    name: 'connectorsDue',
    schedule: '0 * * * * *',
    handler: async ({ app, log }) => {
      const r = await app.connectorRuns.sweep();
      if (r.initialised + r.queued + r.requeued > 0) log.info('connector runs queued', { ...r });
    },
  }),
];
