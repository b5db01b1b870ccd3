import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { metaOf } from '../shared/audit/emit.js';
import { etagOf } from '../shared/http/etag.js';
import { FILE_MEDIA_TYPES, fileMappingSchema, READY_MAPPING_NAMES, READY_MAPPINGS, type FileMappingItem, type MappingChoice } from '../shared/files/index.js';
import { route } from './triggers.js';

const integrationId = z.string().regex(/^int_[A-Za-z0-9_-]{16}$/, 'not an integration id');
const idParams = z.strictObject({ id: integrationId });
const readyName = z.enum(READY_MAPPING_NAMES).describe('A ready-made mapping (GET /api/v1/file-mappings)');

/** The largest sample a preview reads: enough for a month of a big hotel's night-audit rows, small enough to answer at once. */
const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The mapping of a preview travels in the query string as JSON (the file is the body, and browsers'
 * fetch has no multipart we want to parse): validated by the same schema as a saved one, so its
 * problems are named `query.mapping.<path>`.
 */
const mappingParam = z
  .string()
  .max(16_000)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(fileMappingSchema)
  .describe('The mapping to try, as JSON (the schema of PUT /file-mapping `mapping`); absent: `ready`, else the saved mapping');

const previewQuery = z
  .strictObject({
    mapping: mappingParam.optional(),
    ready: readyName.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50).describe('How many mapped records to answer (all rows are read and their errors answered)'),
  })
  .refine((q) => !(q.mapping && q.ready), { message: 'give mapping or ready, not both', path: ['ready'] });

const mappingBody = z
  .strictObject({ mapping: fileMappingSchema.optional(), ready: readyName.optional() })
  .refine((b) => (b.mapping === undefined) !== (b.ready === undefined), { message: 'exactly one of mapping or ready', path: ['mapping'] });

const rowError = z.object({
  row: z.number().describe('CSV: the line the row starts on; XLSX: the sheet row; XML: the record ordinal'),
  column: z.string().optional().describe('The column (or columns added up) the field is read from'),
  field: z.string().describe('The canonical field, or `record`'),
  message: z.string(),
});

const previewSchema = z.object({
  source: z.enum(['request', 'ready', 'saved']).describe('Which mapping was used'),
  ready: readyName.optional(),
  mapping: fileMappingSchema,
  records: z.array(z.record(z.string(), z.unknown())).describe('The first `limit` canonical records, as an import would receive them'),
  recordCount: z.number().int(),
  rowsRead: z.number().int().describe('Data rows read (blank and filtered rows included)'),
  errors: z.array(rowError).describe('Rows that would be rejected (the first 1,000)'),
  errorCount: z.number().int(),
});

const savedSchema = z.object({
  integrationId: z.string(),
  mapping: fileMappingSchema,
  ready: readyName.optional().describe('The ready-made mapping it was copied from'),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

const viewOf = (item: FileMappingItem) => ({ integrationId: item.integrationId, mapping: item.mapping, ...(item.ready ? { ready: item.ready } : {}), updatedAt: item.updatedAt, updatedBy: item.updatedBy });

export default [
  route({
    name: 'fileMappingsReady',
    method: 'GET',
    route: 'v1/file-mappings',
    access: requires('imports.read'),
    summary: 'The ready-made column mappings (OPERA and protel night-audit and revenue exports), to use by name or as a starting point',
    tags: ['integrations'],
    responses: {
      200: {
        description: 'Ready-made mappings',
        schema: z.object({ items: z.array(z.object({ name: readyName, title: z.string(), vendor: z.string(), mapping: fileMappingSchema })) }),
      },
    },
    handler: async () => ({
      json: { items: READY_MAPPING_NAMES.map((name) => ({ name, title: READY_MAPPINGS[name].title, vendor: READY_MAPPINGS[name].vendor, mapping: READY_MAPPINGS[name].parsed })) },
      headers: { 'Cache-Control': 'private, max-age=300' },
    }),
  }),

  route({
    name: 'fileMappingPreview',
    method: 'POST',
    route: 'v1/integrations/{id}/files/preview',
    access: requires('integrations.manage'),
    summary: "Parse a sample file with a column mapping (given as JSON in the query, a ready-made one, or the integration's saved one): the first mapped records and every row's errors; nothing is stored",
    tags: ['integrations'],
    params: idParams,
    query: previewQuery,
    rawBody: true,
    rawBodyTypes: [...FILE_MEDIA_TYPES.csv.slice(0, 1), ...FILE_MEDIA_TYPES.xlsx, ...FILE_MEDIA_TYPES.xml.slice(0, 1), 'application/octet-stream'],
    bodyLimitBytes: PREVIEW_MAX_BYTES,
    responses: {
      200: { description: 'The mapped records and errors', schema: previewSchema },
      400: { description: 'Invalid mapping (named query.mapping.<path>), no mapping to use, or a file the mapping cannot read (named body)' },
      404: { description: 'No such file integration' },
    },
    handler: async ({ app, principal, params, query, req, rawBody }) => {
      const choice: MappingChoice | undefined = query.mapping ? { mapping: query.mapping } : query.ready ? { ready: query.ready } : undefined;
      const result = await app.fileMappings.preview(principal, params.id, { bytes: rawBody, contentType: req.headers.get('content-type') ?? undefined }, choice, query.limit);
      return { json: result };
    },
  }),

  route({
    name: 'fileMappingGet',
    method: 'GET',
    route: 'v1/integrations/{id}/file-mapping',
    access: requires('imports.read'),
    summary: "A file integration's saved column mapping (its ETag is what PUT's If-Match takes)",
    tags: ['integrations'],
    params: idParams,
    responses: { 200: { description: 'The saved mapping', schema: savedSchema }, 404: { description: 'No such file integration, or no mapping saved yet' } },
    handler: async ({ app, principal, params }) => {
      const item = await app.fileMappings.read(principal, params.id);
      return { json: viewOf(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'fileMappingPut',
    method: 'PUT',
    route: 'v1/integrations/{id}/file-mapping',
    access: requires('integrations.manage'),
    summary: "Save a file integration's column mapping, whole (`mapping`) or a ready-made one by name (`ready`, copied); uploads and drops are read with it from then on",
    tags: ['integrations'],
    params: idParams,
    ifMatch: true,
    body: mappingBody,
    responses: {
      200: { description: 'Saved', schema: savedSchema },
      400: { description: 'Invalid mapping (named body.mapping.<path>), or one of another source type than the integration' },
      404: { description: 'No such file integration' },
    },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const choice: MappingChoice = body.ready ? { ready: body.ready } : { mapping: body.mapping as NonNullable<typeof body.mapping> };
      const item = await app.fileMappings.save(principal, params.id, choice, ifMatch, metaOf(call));
      return { json: viewOf(item), etag: etagOf(item) };
    },
  }),
];
