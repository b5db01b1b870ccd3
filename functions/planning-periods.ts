import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { metaOf } from '../shared/audit/emit.js';
import { etagOf } from '../shared/http/etag.js';
import { idParam } from '../shared/http/identifiers.js';
import { holds } from '../shared/access/authorize.js';
import { lockView } from '../shared/planning/locks.js';
import { ADJUSTMENT_STATUSES, adjustmentView } from '../shared/planning/adjustments.js';
import { sourceTypeSchema } from '../shared/integrations/formats/index.js';
import { route } from './triggers.js';

const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');
const periodParams = z.strictObject({ propertyId: idParam, period });
const adjustmentParams = z.strictObject({ id: z.string().regex(/^adj_[A-Za-z0-9_-]{22}$/, 'not an adjustment id') });

const lockSchema = z.object({
  id: z.string(),
  propertyId: z.string(),
  period: z.string().describe('YYYY-MM'),
  locked: z.boolean(),
  lockedAt: z.string(),
  lockedBy: z.string().describe('The user who last locked the month'),
  unlockedAt: z.string().optional(),
  unlockedBy: z.string().optional(),
  updatedAt: z.string(),
});

const difference = z.object({
  date: z.string(),
  departmentId: z.string().nullable().describe('null: the property level'),
  scenario: z.enum(['actual', 'budget', 'forecast', 'onTheBooks']),
  period: z.string().optional().describe('Set for monthly figures (ledger lines), which reports spread over the month'),
  measure: z.string().describe('A department or property measure, usali.<line>, or utility.<path> (GoGreen consumption); payroll measures only with payroll.read'),
  before: z.number(),
  after: z.number(),
});

const adjustmentSchema = z.object({
  id: z.string(),
  status: z.enum(ADJUSTMENT_STATUSES),
  propertyId: z.string(),
  integrationId: z.string(),
  importId: z.string(),
  run: z.number().int(),
  sourceType: sourceTypeSchema,
  periods: z.array(z.string()).describe('The locked months the held changes fall into'),
  upserts: z.number().int(),
  deletions: z.number().int(),
  differences: z.array(difference).describe('Per day, department (or property) and measure: the current figure and the figure with the held changes'),
  differenceCount: z.number().int().describe('All differences (the first 5,000 are listed)'),
  createdAt: z.string(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  applied: z
    .object({ upserted: z.number().int(), unchanged: z.number().int(), deleted: z.number().int(), superseded: z.number().int().describe('Held drafts left out: a newer version of their fact arrived since') })
    .optional(),
});

const lockRoute = (action: 'lock' | 'unlock') =>
  route({
    name: action === 'lock' ? 'planningPeriodLock' : 'planningPeriodUnlock',
    method: 'POST',
    route: `v1/planning/periods/{propertyId}/{period}/${action}`,
    access: requires('planning.approve'),
    summary:
      action === 'lock'
        ? "Lock a month of a property: imports, connector runs and files that would change its facts are held as pending adjustments until approved"
        : 'Unlock a month of a property: later imports are written as usual; adjustments held meanwhile stay pending (approve or discard them)',
    tags: ['planning'],
    params: periodParams,
    ifMatch: true,
    responses: {
      200: { description: action === 'lock' ? 'Locked' : 'Unlocked', schema: lockSchema },
      404: { description: 'No such property' },
      409: { description: action === 'lock' ? 'The month is already locked' : 'The month is not locked' },
    },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      const item = await app.periodLocks[action](principal, params.propertyId, params.period, ifMatch, metaOf(call));
      return { json: lockView(item), etag: etagOf(item) };
    },
  });

export default [
  lockRoute('lock'),
  lockRoute('unlock'),

  route({
    name: 'planningPeriods',
    method: 'GET',
    route: 'v1/planning/periods',
    access: requires('planning.read'),
    summary: 'The lock state of the months of a property (or of every property the caller may read), newest first',
    tags: ['planning'],
    query: z.strictObject({ propertyId: idParam.optional() }),
    responses: { 200: { description: 'Lock items', schema: z.object({ items: z.array(lockSchema) }) }, 404: { description: 'No such property' } },
    handler: async ({ app, principal, query }) => ({ json: { items: (await app.periodLocks.list(principal, query.propertyId)).map(lockView) } }),
  }),

  route({
    name: 'planningAdjustments',
    method: 'GET',
    route: 'v1/planning/adjustments',
    access: requires('planning.read'),
    summary: 'Changes held because they fall into locked months, with their before/after figures, newest first',
    tags: ['planning'],
    query: z.strictObject({ propertyId: idParam.optional(), status: z.enum(ADJUSTMENT_STATUSES).optional() }),
    responses: { 200: { description: 'Adjustments', schema: z.object({ items: z.array(adjustmentSchema) }) } },
    handler: async ({ app, principal, query }) => ({ json: { items: await app.adjustments.list(principal, query) } }),
  }),

  route({
    name: 'planningAdjustment',
    method: 'GET',
    route: 'v1/planning/adjustments/{id}',
    access: requires('planning.read'),
    summary: 'One held adjustment (its ETag is what approve and discard take as If-Match)',
    tags: ['planning'],
    params: adjustmentParams,
    responses: { 200: { description: 'The adjustment', schema: adjustmentSchema }, 404: { description: 'No such adjustment' } },
    handler: async ({ app, principal, params }) => {
      const item = await app.adjustments.get(principal, params.id);
      return { json: adjustmentView(item, holds(principal, 'payroll.read', item.propertyId)), etag: etagOf(item) };
    },
  }),

  ...(['approve', 'discard'] as const).map((action) =>
    route({
      name: action === 'approve' ? 'planningAdjustmentApprove' : 'planningAdjustmentDiscard',
      method: 'POST',
      route: `v1/planning/adjustments/{id}/${action}`,
      access: requires('planning.approve'),
      summary:
        action === 'approve'
          ? 'Approve a held adjustment: its changes are written to the facts and the days recomputed (reports show them)'
          : 'Discard a held adjustment: the locked month keeps its figures',
      tags: ['planning'],
      params: adjustmentParams,
      ifMatch: true,
      responses: {
        200: { description: action === 'approve' ? 'Approved and applied' : 'Discarded', schema: adjustmentSchema },
        404: { description: 'No such adjustment' },
        409: { description: 'Already decided' },
      },
      handler: async ({ app, principal, params, ifMatch, ...call }) => {
        const item = await app.adjustments[action](principal, params.id, ifMatch, metaOf(call));
        return { json: adjustmentView(item, holds(principal, 'payroll.read', item.propertyId)), etag: etagOf(item) };
      },
    }),
  ),
];
