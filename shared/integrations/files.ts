import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Platform } from '../platform/platform.js';
import type { Principal } from '../access/principal.js';
import type { BlobStore } from '../platform/blob/blob-store.js';
import { bareEtag } from '../platform/blob/blob-store.js';
import type { OutgoingMessage } from '../platform/bus/types.js';
import type { Log } from '../platform/log.js';
import { actorOf, auditEvent, type EventActor, type RequestMeta } from '../audit/emit.js';
import { conflict, ProblemError } from '../http/problem.js';
import { kindOf, type FileItem, type IntegrationItem } from './model.js';
import type { RecordError } from './parse.js';
import { FILE_CONTAINER_PREFIX, fileContainerName, integrationOfContainer } from './files-container.js';
import { readFileSteps, UnreadableFile } from './files-read.js';
import type { Integrations } from './index.js';

/** File records keep the first row errors; the count says how many there were. */
const MAX_STORED_ERRORS = 1000;

/**
 * What the `file-drops` queue carries: an Event Grid `Microsoft.Storage.BlobCreated` event (Event
 * Grid schema) as Event Grid delivers it to a Service Bus queue, or as the local poll timer writes
 * it. Only the fields we read are checked; the rest of Event Grid's envelope is let through.
 */
export const blobCreatedSchema = z.looseObject({
  id: z.string().min(1).max(200),
  eventType: z.literal('Microsoft.Storage.BlobCreated'),
  /** `/blobServices/default/containers/<container>/blobs/<name>`. */
  subject: z.string().regex(/^\/blobServices\/default\/containers\/[a-z0-9-]{3,63}\/blobs\/.+$/, 'not a blob subject'),
  eventTime: z.string(),
  data: z.looseObject({ eTag: z.string().min(1), contentType: z.string().optional(), contentLength: z.number().int().min(0).optional() }),
});
export type BlobCreatedEvent = z.infer<typeof blobCreatedSchema>;

/** The file a received blob or upload is: its name, the version received, its bytes and media type. */
export interface ReceivedFile {
  name: string;
  version: string;
  bytes: Buffer;
  contentType: string;
  origin: FileItem['origin'];
}

/** What a client is told of a received file (no sealed body, no outbox state). */
export type FileView = Omit<FileItem, 'enc' | 'pendingMessages' | 'pendingSince' | '_etag' | '_ts' | 'tenantId' | 'type'>;

export function fileView(item: FileItem): FileView {
  const { enc: _enc, pendingMessages: _p, pendingSince: _ps, _etag, _ts, tenantId: _t, type: _ty, ...rest } = item;
  return rest;
}

/** Same integration, name and version: the same file record, so a re-delivered drop or a repeated upload imports nothing twice. */
export function fileIdFor(integrationId: string, name: string, version: string): string {
  return 'fil_' + createHash('sha256').update(`${integrationId}\n${name}\n${version}`).digest('base64url').slice(0, 32);
}

/** The Event Grid event of a blob in a container, as the local poll timer publishes it. */
export function blobCreatedMessage(container: string, blob: { name: string; etag: string; size: number; lastModified: Date }): OutgoingMessage {
  const id = createHash('sha256').update(`${container}\n${blob.name}\n${blob.etag}`).digest('base64url').slice(0, 32);
  const event = {
    id,
    eventType: 'Microsoft.Storage.BlobCreated',
    subject: `/blobServices/default/containers/${container}/blobs/${blob.name}`,
    eventTime: blob.lastModified.toISOString(),
    data: { api: 'PutBlob', eTag: blob.etag, contentLength: blob.size },
  };
  return { messageId: id, subject: 'blobCreated', body: event };
}

/** How long an Azure blob must be untouched before the sweep takes it (an SFTP upload in progress is listed). */
const AZURE_SWEEP_MIN_AGE_MS = 15 * 60_000;

const DROP_ACTOR: EventActor = { type: 'system', id: 'fileDrops' };

/**
 * Files of `file` integrations, whichever way they come: an HTTPS upload, or a blob dropped into the
 * integration's container (by SFTP in Azure), announced by a blob-created event. Both end in
 * `receive`: the file is sealed as a raw body is (the claim check, retained as long), read into
 * canonical batches, and handed to the import pipeline under a run key made of the integration, the
 * file name and its version, so the same file received twice is imported once.
 */
export class FileDrops {
  constructor(
    private readonly platform: Platform,
    private readonly integrations: Integrations,
    private readonly blobs: BlobStore,
  ) {}

  private files(tenantId: string, propertyId: string) {
    return this.platform.store.collection<FileItem>('imports', tenantId).scoped(propertyId);
  }

  /**
   * An HTTPS upload by `principal` (who must manage the integration): received at once; answers what
   * became of it.
   */
  async upload(principal: Principal, integrationId: string, read: () => { name: string; contentType: string; bytes: Buffer }, meta: RequestMeta): Promise<{ file: FileItem; duplicate: boolean }> {
    const integration = await this.integrations.visible(principal, integrationId, 'integrations.manage');
    if (kindOf(integration) !== 'file') throw conflict('Only file integrations take files; create one with kind "file".');
    if (!integration.enabled) throw new ProblemError({ status: 409, title: 'Integration disabled', detail: 'This integration is disabled; enable it to accept files.' });
    // The request's file (name, media type, bytes) is checked only now: for another tenant's
    // integration the answer is 404 whatever was sent.
    const file = read();
    // An upload has no blob version: its bytes are its version, so sending the same file again is no new import.
    const version = createHash('sha256').update(file.bytes).digest('base64url').slice(0, 32);
    return this.receive(integration, { ...file, version, origin: 'upload' }, actorOf(principal), meta);
  }

  /**
   * The `file-drops` queue handler: the blob the event names, read at the version the event names
   * (an overwrite is a new blob version with its own event), received, then deleted from the
   * container: the sealed copy is the one kept. Events of blobs that are gone, of other containers,
   * or of integrations that no longer take files are dropped (logged).
   */
  async drop(event: BlobCreatedEvent, log: Log): Promise<'received' | 'duplicate' | 'gone' | 'ignored'> {
    const [, container, name] = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/.exec(event.subject) ?? [];
    const integrationId = container ? integrationOfContainer(container) : undefined;
    if (!container || !name || !integrationId) return 'ignored';
    const integration = await this.integrationOf(integrationId);
    if (!integration || kindOf(integration) !== 'file') {
      log.warn('blob dropped into the container of no file integration; left there', { container, name });
      return 'ignored';
    }
    if (!integration.enabled) {
      log.info('blob dropped for a disabled file integration; left until it is enabled', { integrationId, name });
      return 'ignored';
    }
    const version = bareEtag(event.data.eTag);
    const blob = await this.blobs.get(container, name, { ifMatch: version });
    if (!blob) return 'gone';
    if (blob.bytes.length === 0) return 'ignored';
    const r = await this.receive(integration, { name, version, bytes: blob.bytes, contentType: blob.contentType ?? event.data.contentType ?? '', origin: 'drop' }, DROP_ACTOR, { correlationId: event.id });
    await this.blobs.delete(container, name, { ifMatch: version });
    return r.duplicate ? 'duplicate' : 'received';
  }

  private async integrationOf(integrationId: string): Promise<IntegrationItem | undefined> {
    const tenantId = await this.integrations.service.resolveTenant(integrationId);
    if (!tenantId) return undefined;
    try {
      return await this.integrations.service.get(tenantId, integrationId);
    } catch (err) {
      if (err instanceof ProblemError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** The one way a file is received; audited as `file.received` (by the uploader, or the system for drops). */
  async receive(integration: IntegrationItem, file: ReceivedFile, actor: EventActor, meta: RequestMeta): Promise<{ file: FileItem; duplicate: boolean }> {
    const { tenantId, propertyId } = integration;
    const id = fileIdFor(integration.id, file.name, file.version);
    const files = this.files(tenantId, propertyId);
    const existing = await files.read(id);
    if (existing?.type === 'file') return { file: existing, duplicate: true };
    const receivedAt = new Date().toISOString();
    const sealed = await this.integrations.raw.put(tenantId, id, file.bytes);
    const item: FileItem = {
      id,
      tenantId,
      type: 'file',
      integrationId: integration.id,
      propertyId,
      name: file.name,
      contentType: file.contentType,
      bytes: file.bytes.length,
      version: file.version,
      origin: file.origin,
      receivedAt,
      status: 'imported',
      records: 0,
      importIds: [],
      raw: { chunks: sealed.chunks, encoding: sealed.encoding },
    };
    if (sealed.blob) item.raw.blob = sealed.blob;
    if (sealed.inline) item.enc = { raw: sealed.inline };
    const errors: RecordError[] = [];
    let errorCount = 0;
    try {
      let step = 0;
      for await (const s of readFileSteps(this.platform, integration, file)) {
        errorCount += s.errors.length;
        errors.push(...s.errors.slice(0, MAX_STORED_ERRORS - errors.length));
        item.records += s.batch.records.length;
        // Each step's imports are keyed by the file and the step: a retry after a crash re-creates none.
        const r = await this.integrations.receiveBatches({
          integration,
          runKey: `file:${file.name}:${file.version}:${step}`,
          batches: [s.batch],
          file: { id, name: file.name },
          ...(meta.correlationId ? { correlationId: meta.correlationId } : {}),
        });
        item.importIds.push(...r.importIds);
        step += 1;
      }
    } catch (err) {
      if (!(err instanceof UnreadableFile)) throw err;
      item.status = 'rejected';
      errors.push({ field: 'file', message: err.message });
      errorCount += 1;
    }
    if (errorCount > 0) {
      item.errors = errors;
      item.errorCount = errorCount;
    }
    const event = await auditEvent(this.platform.cipher, {
      ...meta,
      tenantId,
      actor,
      action: 'file.received',
      target: { type: 'file', id },
      outcome: item.status === 'imported' ? 'success' : 'failure',
      details: { integrationId: integration.id, name: file.name, bytes: item.bytes, origin: file.origin, records: item.records, imports: item.importIds.length, rowErrors: errorCount },
    });
    const written = await this.platform.outbox.createGrouped('imports', item, [event]);
    if (written === 'exists') return { file: (await files.read(id)) ?? item, duplicate: true };
    return { file: item, duplicate: false };
  }

  /** A file record of an integration the principal may read. */
  async get(principal: Principal, integrationId: string, fileId: string): Promise<FileItem | undefined> {
    const integration = await this.integrations.visible(principal, integrationId, 'imports.read');
    const item = await this.files(principal.tenantId, integration.propertyId).read(fileId);
    return item?.type === 'file' && item.integrationId === integrationId ? item : undefined;
  }

  /**
   * Timer. Locally (Azurite has no Event Grid) every blob in a file integration's container becomes
   * a blob-created message, exactly as Event Grid would send it; in Azure the same sweep catches what
   * Event Grid did not deliver. The message id is the blob's name and version, so the bus's duplicate
   * detection drops a blob announced again while it waits; picked-up blobs are deleted.
   */
  async poll(): Promise<number> {
    // In Azure an SFTP upload is listed while it is still being written (its BlobCreated event comes
    // at the final commit): only blobs untouched for a while are swept there. Azurite's puts are whole.
    const settled = this.platform.config.STORAGE_ACCOUNT_URL ? Date.now() - AZURE_SWEEP_MIN_AGE_MS : Infinity;
    let queued = 0;
    for await (const container of this.blobs.containers(FILE_CONTAINER_PREFIX)) {
      for await (const blob of this.blobs.list(container)) {
        // Empty blobs are no file (and a hierarchical account lists its folders as empty blobs).
        if (blob.size === 0 || blob.lastModified.getTime() > settled) continue;
        await this.platform.bus.publish('file-drops', [blobCreatedMessage(container, blob)]);
        queued += 1;
      }
    }
    return queued;
  }

  /**
   * Timer (with the raw-body retention): blobs left in file containers longer than the raw-body
   * retention (never picked up: a disabled or deleted integration) are deleted. In Azure the storage
   * account's lifecycle rule does the same; this covers Azurite and whatever the rule has not reached.
   */
  async purgeExpired(): Promise<number> {
    const cutoff = Date.now() - this.platform.config.IMPORT_RAW_RETENTION_DAYS * 86_400_000;
    let deleted = 0;
    for await (const container of this.blobs.containers(FILE_CONTAINER_PREFIX)) {
      for await (const blob of this.blobs.list(container)) {
        if (blob.lastModified.getTime() < cutoff && (await this.blobs.delete(container, blob.name, { ifMatch: blob.etag }))) deleted += 1;
      }
    }
    if (deleted > 0) this.platform.log.info('expired dropped files deleted', { deleted, retentionDays: this.platform.config.IMPORT_RAW_RETENTION_DAYS });
    return deleted;
  }
}

/** Files for the `file` integrations of `integrations`, on `blobs`. */
export function createFileDrops(platform: Platform, options: { integrations: Integrations; blobs: BlobStore }): FileDrops {
  return new FileDrops(platform, options.integrations, options.blobs);
}

export { fileContainerName };
