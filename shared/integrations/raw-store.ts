import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gunzip } from 'node:zlib';
import type { Platform } from '../platform/platform.js';
import type { Sealed } from '../platform/crypto/field-cipher.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import type { ImportItem, RawChunkItem } from './model.js';
import { TENANT_SUBJECT } from './service.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Bodies smaller than this are stored uncompressed: zlib's set-up costs more than it saves. */
const COMPRESS_FROM = 8 * 1024;
/**
 * Packed bodies up to this size ride inside the import record (one write, atomic with its queue
 * message); larger ones go to a blob: as fast, 20-25 times cheaper and no request units
 * (docs/integrations.md, "Claim-check store").
 */
const INLINE_LIMIT = 1_000_000;
const FIELD = 'import.raw';

/** Before blobs, large bodies were chunk items next to the import: still read, and purged, until retention has removed the last. */
export function rawChunkId(importId: string, index: number): string {
  return `raw:${importId}:${index}`;
}

/**
 * The tenant's container of raw bodies: Blob Storage names allow lowercase letters, digits and
 * hyphens, so the tenant id is hashed; never the `int-` prefix the file-drop sweep listens on.
 */
export function rawContainerName(tenantId: string): string {
  return RAW_CONTAINER_PREFIX + createHash('sha256').update(tenantId).digest('hex').slice(0, 40);
}

/** Every tenant's raw container starts with this (infra's lifecycle rule deletes their blobs after the retention days, an orphan too). */
export const RAW_CONTAINER_PREFIX = 'raw-';

/** What of an import or file record locates its body. */
export type RawRef = Pick<ImportItem, 'id' | 'tenantId' | 'propertyId' | 'raw' | 'enc'>;

/** Import ids and queue message ids come from the integration id and the sender's webhook-id: a redelivery maps to the same import. */
export function importIdFor(integrationId: string, webhookId: string): string {
  return 'imp_' + createHash('sha256').update(`${integrationId}\n${webhookId}`).digest('base64url').slice(0, 32);
}

export class RawBodyMissing extends Error {
  override readonly name = 'RawBodyMissing';
}

/**
 * The claim check: a received body, gzip-compressed and sealed under the tenant's data key.
 * Small bodies are stored in the import record itself, large ones as a blob in the tenant's container.
 */
export class RawStore {
  /** Containers known to exist in this process. */
  private readonly containers = new Map<string, Promise<void>>();

  constructor(private readonly platform: Platform) {}

  private container(tenantId: string): Promise<string> {
    const name = rawContainerName(tenantId);
    let ready = this.containers.get(name);
    if (!ready) {
      ready = this.platform.blobs.ensureContainer(name);
      // A failed creation is tried again by the next body rather than remembered.
      ready.catch(() => this.containers.delete(name));
      this.containers.set(name, ready);
    }
    return ready.then(() => name);
  }

  private ctx(tenantId: string, importId: string, index: number) {
    return { tenantId, subjectId: TENANT_SUBJECT, field: FIELD, recordId: `${importId}:${index}` };
  }

  /** Seals the body; writes it as a blob when it is too large to inline. Returns what goes into the import record. */
  async put(tenantId: string, importId: string, body: Buffer): Promise<{ chunks: 0; encoding: 'gzip' | 'identity'; inline?: Sealed; blob?: string }> {
    const encoding = body.length >= COMPRESS_FROM ? 'gzip' : 'identity';
    const packed = (encoding === 'gzip' ? await gzipAsync(body) : body).toString('base64');
    const sealed = await this.platform.cipher.seal(this.ctx(tenantId, importId, 0), packed);
    if (packed.length <= INLINE_LIMIT) return { chunks: 0, encoding, inline: sealed };
    // Written before the import record, named by the import id: a redelivery overwrites the same blob.
    await this.platform.blobs.put(await this.container(tenantId), importId, Buffer.from(JSON.stringify(sealed)), 'application/json');
    return { chunks: 0, encoding, blob: importId };
  }

  /** The body as received. Throws RawBodyMissing once retention purged it. */
  async get(item: RawRef): Promise<Buffer> {
    if (item.raw.purgedAt) throw new RawBodyMissing('the raw body was purged by retention');
    const sealedParts: Array<Sealed | undefined> = [];
    if (item.raw.blob) {
      const content = await this.platform.blobs.get(rawContainerName(item.tenantId), item.raw.blob);
      sealedParts.push(content ? (JSON.parse(content.bytes.toString('utf8')) as Sealed) : undefined);
    } else if (item.raw.chunks === 0) sealedParts.push(item.enc?.raw);
    else {
      const collection = this.platform.store.collection<RawChunkItem>('imports', item.tenantId).for(item);
      for (let i = 0; i < item.raw.chunks; i++) sealedParts.push((await collection.read(rawChunkId(item.id, i)))?.enc.raw);
    }
    let packed = '';
    for (const [i, sealed] of sealedParts.entries()) {
      if (!sealed) throw new RawBodyMissing('the raw body is missing');
      const opened = await this.platform.cipher.open(this.ctx(item.tenantId, item.id, i), sealed);
      if (opened.redacted) throw new RawBodyMissing('the raw body can no longer be decrypted');
      packed += opened.value;
    }
    const bytes = Buffer.from(packed, 'base64');
    return item.raw.encoding === 'identity' ? bytes : gunzipAsync(bytes);
  }

  /**
   * Removes the body (blob, chunk items or inline value) and marks the record purged, with `marks`
   * set under `/raw` (`purgedAt` and whatever the caller adds). A record already gone is not an error.
   */
  async purge(item: Omit<RawRef, 'enc'>, marks: Record<string, string>): Promise<void> {
    const imports = this.platform.store.collection('imports', item.tenantId).for(item);
    if (item.raw.blob) await this.platform.blobs.delete(rawContainerName(item.tenantId), item.raw.blob);
    for (let i = 0; i < item.raw.chunks; i++) await imports.delete(rawChunkId(item.id, i));
    const ops: Array<{ op: 'remove'; path: string } | { op: 'set'; path: string; value: string }> = Object.entries(marks).map(([key, value]) => ({ op: 'set', path: `/raw/${key}`, value }));
    if (!item.raw.blob && item.raw.chunks === 0) ops.unshift({ op: 'remove', path: '/enc' });
    try {
      await imports.patch(item.id, ops);
    } catch (err) {
      if (!isStoreError(err, 'not_found')) throw err;
    }
  }
}
