import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { metaOf } from '../shared/audit/emit.js';
import { etagOf } from '../shared/http/etag.js';
import { idParam } from '../shared/http/identifiers.js';
import { SPREAD_METHODS } from '../shared/planning/spreading.js';
import { ACTIONS, invalidUpload, PLAN_KINDS, TRANSITIONS, VERSION_STATUSES, XLSX_TYPE, type Action } from '../shared/planning/index.js';
import { route } from './triggers.js';

const kind = z.enum(PLAN_KINDS).describe('budget, forecast, targets (department KPIs), actuals (manual actuals where a source is missing) or consumption (monthly utility readings, imported as GoGreen readings on approval)');
const year = z.coerce.number().int().min(2000).max(2100);
const versionIdSchema = z.string().max(200).regex(/^pv_[A-Za-z0-9_:-]+_\d{4}_(budget|forecast|targets|actuals|consumption)_\d+$/, 'not a planning version id');
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !/[/\\]/.test(s) && [...s].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f), 'a file name without folders or control characters');
/** Template files stay small (a property's departments × lines × 12 months); a bound keeps a wrong file from costing much. */
const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

const row = z.object({ departmentId: z.string().nullable().describe('null: a property-level line'), line: z.string(), months: z.array(z.number().nullable()).length(12).describe('January … December; null: no figure') });
const issue = z.object({ row: z.number().int().describe('The file row (CSV line, sheet row); 0: the file as a whole'), column: z.string().optional(), message: z.string() });
const summaryFields = {
  id: z.string(),
  propertyId: z.string(),
  year: z.number().int(),
  kind,
  number: z.number().int().describe('1, 2, … per property, year and kind'),
  status: z.enum(VERSION_STATUSES),
  spread: z.enum(SPREAD_METHODS).describe('How approval spreads the monthly figures over days'),
  inForce: z.boolean().describe('The approved (or locked) version reports use for its property, year and kind'),
  file: z.object({ name: z.string().nullable(), format: z.enum(['csv', 'xlsx']), bytes: z.number().int() }),
  author: z.string(),
  comment: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedBy: z.string().optional(),
  submittedAt: z.string().optional(),
  approvedBy: z.string().optional(),
  approvedAt: z.string().optional(),
  history: z.array(z.object({ status: z.enum(VERSION_STATUSES), at: z.string(), by: z.string(), comment: z.string().optional() })),
};
const summarySchema = z.object({ ...summaryFields, issueCount: z.number().int() });
const versionSchema = z.object({ ...summaryFields, rows: z.array(row), issues: z.array(issue).describe('The validation report (empty unless the upload was invalid)') });
const compareSchema = z.object({
  a: summarySchema,
  b: summarySchema,
  lines: z.array(
    z.object({
      departmentId: z.string().nullable(),
      line: z.string(),
      months: z.array(z.object({ period: z.string(), a: z.number().nullable(), b: z.number().nullable(), difference: z.number().nullable().describe('b − a; null where neither has a figure') })),
    }),
  ),
});

const transitionRoute = (action: Action) =>
  route({
    name: `planningVersion${action[0]?.toUpperCase()}${action.slice(1)}`,
    method: 'POST',
    route: `v1/planning/versions/{id}/${action}`,
    access: requires(TRANSITIONS[action].permission),
    summary: {
      submit: 'Submit a draft version for approval',
      approve: "Approve a submitted version: it becomes the one in force for its property, year and kind (the previous one is superseded), spread to days and used by reports. Not one's own submission unless the tenant's planning.selfApproval allows it",
      reject: 'Reject a submitted version, with a comment saying why',
      lock: 'Lock an approved version',
    }[action],
    tags: ['planning'],
    params: z.strictObject({ id: versionIdSchema }),
    ifMatch: true,
    body: z.strictObject({ comment: z.string().trim().min(1).max(2000).optional().describe(action === 'reject' ? 'Required: why it is rejected' : 'A note kept in the history') }),
    bodyOptional: true,
    responses: {
      200: { description: `The version, ${TRANSITIONS[action].to}`, schema: versionSchema },
      400: { description: action === 'reject' ? 'No comment' : 'Invalid request' },
      403: { description: `Without ${TRANSITIONS[action].permission} on the version's property${action === 'approve' || action === 'reject' ? ", or one's own submission" : ''}` },
      404: { description: 'No such version' },
      409: {
        description:
          action === 'approve'
            ? 'The version is not submitted; or its facts would change a locked month of its property (title "Period locked", errors name each month: unlock first; not for consumption versions, whose readings a locked month holds as a pending adjustment); or another approval of the same property, year and kind is under way (nothing written)'
            : `The version is not ${TRANSITIONS[action].from}`,
      },
    },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      await app.planning.versions.transition(principal, params.id, action, body?.comment, ifMatch, metaOf(call));
      const { view, item } = await app.planning.versions.get(principal, params.id);
      return { json: view, etag: etagOf(item) };
    },
  });

export default [
  route({
    name: 'planningTemplate',
    method: 'GET',
    route: 'v1/planning/templates/{kind}',
    access: requires('planning.read'),
    summary: "The upload template of a kind for a property and year (XLSX or CSV), pre-filled with the property's departments, lines and months",
    tags: ['planning'],
    params: z.strictObject({ kind }),
    query: z.strictObject({ propertyId: idParam, year, format: z.enum(['xlsx', 'csv']).default('xlsx') }),
    responses: {
      200: { description: 'The template', contentType: XLSX_TYPE },
      404: { description: 'No such property' },
    },
    handler: async ({ app, principal, params, query }) => {
      const t = await app.planning.versions.template(principal, params.kind, query.propertyId, query.year, query.format);
      return { raw: t.body, contentType: t.contentType, headers: { 'Content-Disposition': `attachment; filename="${t.fileName}"` } };
    },
  }),

  route({
    name: 'planningVersionUpload',
    method: 'POST',
    route: 'v1/planning/versions',
    access: requires('planning.submit'),
    summary: 'Upload a filled template (CSV or XLSX body): validated into a new draft version; an invalid file is recorded as an invalid version and answered 422 with its row/column report',
    tags: ['planning'],
    query: z.strictObject({
      propertyId: idParam,
      year,
      kind,
      spread: z.enum(SPREAD_METHODS).default('even').describe('How the monthly figures will be spread over days when the version is approved'),
      filename: fileName.optional(),
      comment: z.string().trim().min(1).max(2000).optional(),
    }),
    rawBody: true,
    rawBodyTypes: ['text/csv', XLSX_TYPE, 'application/octet-stream'],
    bodyLimitBytes: UPLOAD_MAX_BYTES,
    responses: {
      201: { description: 'A draft version', schema: versionSchema },
      404: { description: 'No such property' },
      415: { description: 'Not CSV or XLSX' },
      422: { description: 'The file did not validate: recorded as an invalid version (Location), each problem named body.row.<row>.<column>' },
    },
    handler: async ({ app, principal, query, rawBody, req, ...call }) => {
      const item = await app.planning.versions.upload(
        principal,
        {
          propertyId: query.propertyId,
          year: query.year,
          kind: query.kind,
          spread: query.spread,
          bytes: rawBody,
          contentType: req.headers.get('content-type') ?? undefined,
          fileName: query.filename ?? null,
          comment: query.comment,
        },
        metaOf(call),
      );
      if (item.status === 'invalid') throw invalidUpload(item);
      const { view } = await app.planning.versions.get(principal, item.id);
      return { status: 201, json: view, etag: etagOf(item), headers: { Location: `/api/v1/planning/versions/${item.id}` } };
    },
  }),

  route({
    name: 'planningVersions',
    method: 'GET',
    route: 'v1/planning/versions',
    access: requires('planning.read'),
    summary: 'The versions of a property (optionally of one year and kind), newest first, without their figures',
    tags: ['planning'],
    query: z.strictObject({ propertyId: idParam, year: year.optional(), kind: kind.optional() }),
    responses: { 200: { description: 'Versions', schema: z.object({ items: z.array(summarySchema) }) }, 404: { description: 'No such property' } },
    handler: async ({ app, principal, query }) => ({ json: { items: await app.planning.versions.list(principal, query) } }),
  }),

  route({
    name: 'planningVersionsCompare',
    method: 'GET',
    route: 'v1/planning/versions/compare',
    access: requires('planning.read'),
    summary: 'Two versions of one property side by side: per line and month, each figure and the difference b − a',
    tags: ['planning'],
    query: z.strictObject({ a: versionIdSchema, b: versionIdSchema }),
    responses: { 200: { description: 'The differences', schema: compareSchema }, 400: { description: 'Versions of different properties' }, 404: { description: 'No such version' } },
    handler: async ({ app, principal, query }) => ({ json: await app.planning.versions.compare(principal, query.a, query.b) }),
  }),

  route({
    name: 'planningVersion',
    method: 'GET',
    route: 'v1/planning/versions/{id}',
    access: requires('planning.read'),
    summary: 'A version with its figures and validation report (its ETag is what the workflow steps take as If-Match)',
    tags: ['planning'],
    params: z.strictObject({ id: versionIdSchema }),
    responses: { 200: { description: 'The version', schema: versionSchema }, 404: { description: 'No such version' } },
    handler: async ({ app, principal, params }) => {
      const { view, item } = await app.planning.versions.get(principal, params.id);
      return { json: view, etag: etagOf(item) };
    },
  }),

  ...ACTIONS.map(transitionRoute),
];
