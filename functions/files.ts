import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { metaOf } from '../shared/audit/emit.js';
import { badRequest, notFound, unsupportedMediaType } from '../shared/http/problem.js';
import { loadConfig } from '../shared/platform/config.js';
import { blobCreatedSchema, fileView } from '../shared/integrations/files.js';
import { route, queueFunction, timerFunction } from './triggers.js';

const integrationId = z.string().regex(/^int_[A-Za-z0-9_-]{16}$/, 'not an integration id');
const fileId = z.string().regex(/^fil_[A-Za-z0-9_-]{32}$/, 'not a file id');

/** The media types a file may be uploaded as. */
const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/xml'];

/** A file name as the sender knows it: no folders, no control characters (it is shown back and audited). */
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !/[/\\]/.test(s) && [...s].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f), 'a file name without folders or control characters');

const recordError = z.object({ row: z.number().optional(), path: z.string().optional(), recordId: z.string().optional(), field: z.string(), message: z.string() });
const fileSchema = z.object({
  id: z.string(),
  integrationId: z.string(),
  propertyId: z.string(),
  name: z.string(),
  contentType: z.string(),
  bytes: z.number(),
  version: z.string().describe('The version received: the blob ETag of a drop, a hash of the bytes of an upload'),
  origin: z.enum(['upload', 'drop']),
  receivedAt: z.string(),
  status: z.enum(['imported', 'rejected']).describe('imported: its records were handed to the import pipeline (see importIds); rejected: the file could not be read'),
  records: z.number(),
  importIds: z.array(z.string()),
  errors: z.array(recordError).optional(),
  errorCount: z.number().optional(),
  raw: z.object({ chunks: z.number(), encoding: z.enum(['gzip', 'identity']).optional(), purgedAt: z.string().optional() }),
});

/** Read at load time so the limit applies before the body is read (the default when config is unreadable: the app then fails to start anyway). */
function fileBodyLimit(): number {
  try {
    return loadConfig().FILES_MAX_BYTES;
  } catch {
    return 50 * 1024 * 1024;
  }
}

export default [
  route({
    name: 'integrationsFilesUpload',
    method: 'POST',
    route: 'v1/integrations/{id}/files',
    access: requires('integrations.manage'),
    summary: 'Upload a file to a file integration: stored sealed and imported like a dropped one (the same file again imports nothing)',
    tags: ['integrations'],
    params: z.strictObject({ id: integrationId }),
    query: z.strictObject({ filename: fileName.optional().describe('The file name (shown on its imports and in the audit trail); or the X-File-Name header') }),
    rawBody: true,
    rawBodyTypes: FILE_TYPES,
    bodyLimitBytes: fileBodyLimit(),
    responses: {
      202: { description: 'Received: its records are queued as imports (also for the same file sent again: duplicate true)', schema: fileSchema.extend({ duplicate: z.boolean() }) },
      409: { description: 'Not a file integration, or disabled' },
      413: { description: 'Larger than FILES_MAX_BYTES' },
      415: { description: 'Not CSV, XLSX or XML' },
    },
    handler: async ({ app, principal, params, query, rawBody, req, ...call }) => {
      // Checked once the integration is known to be the caller's: another tenant's id is a 404 whatever was sent.
      const file = () => {
        const header = req.headers.get('x-file-name');
        const name = query.filename ?? (header === null ? undefined : fileName.safeParse(header));
        if (name === undefined) throw badRequest('The file name is missing.', [{ field: 'query.filename', message: 'required (or the X-File-Name header)' }]);
        if (typeof name !== 'string' && !name.success) throw badRequest('The file name is invalid.', [{ field: 'header.x-file-name', message: name.error.issues[0]?.message ?? 'invalid' }]);
        const contentType = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (!FILE_TYPES.includes(contentType)) throw unsupportedMediaType(FILE_TYPES.join(', '));
        if (rawBody.length === 0) throw badRequest('The file is empty.', [{ field: 'body', message: 'required' }]);
        return { name: typeof name === 'string' ? name : name.data, contentType, bytes: rawBody };
      };
      const r = await app.files.upload(principal, params.id, file, metaOf(call));
      return { status: 202, json: { ...fileView(r.file), duplicate: r.duplicate }, headers: { Location: `/api/v1/integrations/${params.id}/files/${r.file.id}` } };
    },
  }),

  route({
    name: 'integrationsFilesGet',
    method: 'GET',
    route: 'v1/integrations/{id}/files/{fileId}',
    access: requires('imports.read'),
    summary: 'A received file (uploaded or dropped): how many records it held, its row errors, and the imports it became',
    tags: ['integrations'],
    params: z.strictObject({ id: integrationId, fileId }),
    responses: { 200: { description: 'The file', schema: fileSchema } },
    handler: async ({ app, principal, params }) => {
      const item = await app.files.get(principal, params.id, params.fileId);
      if (!item) throw notFound('file');
      return { json: fileView(item) };
    },
  }),

  queueFunction({
    name: 'fileDrop',
    queue: 'file-drops',
    schema: blobCreatedSchema,
    handler: async ({ app, message, log }) => {
      const outcome = await app.files.drop(message, log);
      log.debug('file drop', { subject: message.subject, outcome });
    },
  }),

  // Azurite has no Event Grid: locally this lists the file containers and queues what it finds. In
  // Azure it sweeps for blobs Event Grid did not deliver (its schedule there is hourly).
  timerFunction({
    name: 'filesDropPoll',
    schedule: '%FILES_POLL_SCHEDULE%',
    handler: async ({ app, log }) => {
      const queued = await app.files.poll();
      if (queued > 0) log.debug('dropped files queued', { queued });
    },
  }),

  timerFunction({
    name: 'filesRetention',
    schedule: '%IMPORT_RETENTION_SCHEDULE%',
    handler: async ({ app }) => {
      await app.files.purgeExpired();
    },
  }),
];
