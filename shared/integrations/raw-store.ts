import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gunzip } from 'node:zlib';
import type { Platform } from '../platform/platform.js';
import type { Sealed } from '../platform/crypto/field-cipher.js';
import { mapLimit } from '../platform/concurrency.js';
import type { ImportItem, RawChunkItem } from './model.js';
import { TENANT_SUBJECT } from './service.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Bodies smaller than this are stored uncompressed: zlib's set-up costs more than it saves. */
const COMPRESS_FROM = 8 * 1024;
/** Sealed bodies up to this size ride inside the import record (one write); larger ones are split. */
const INLINE_LIMIT = 1_000_000;
/** Well under Cosmos DB's 2 MB item limit once sealed and base64-encoded. */
const CHUNK_BYTES = 900_000;
const FIELD = 'import.raw';

export function rawChunkId(importId: string, index: number): string {
  return `raw:${importId}:${index}`;
}

/** Import ids and queue message ids come from the integration id and the sender's webhook-id: a redelivery maps to the same import. */
export function importIdFor(integrationId: string, webhookId: string): string {
  return 'imp_' + createHash('sha256').update(`${integrationId}\n${webhookId}`).digest('base64url').slice(0, 32);
}

export class RawBodyMissing extends Error {
  override readonly name = 'RawBodyMissing';
}

/**
 * The claim check: a received body, gzip-compressed and sealed under the tenant's data key.
 * Small bodies are stored in the import record itself, large ones in chunk items next to it.
 */
export class RawStore {
  constructor(private readonly platform: Platform) {}

  private ctx(tenantId: string, importId: string, index: number) {
    return { tenantId, subjectId: TENANT_SUBJECT, field: FIELD, recordId: `${importId}:${index}` };
  }

  /** Seals the body; writes chunk items when it is too large to inline. Returns what goes into the import record. */
  async put(tenantId: string, propertyId: string, importId: string, receivedAt: string, body: Buffer): Promise<{ chunks: number; encoding: 'gzip' | 'identity'; inline?: Sealed }> {
    const encoding = body.length >= COMPRESS_FROM ? 'gzip' : 'identity';
    const packed = (encoding === 'gzip' ? await gzipAsync(body) : body).toString('base64');
    if (packed.length <= INLINE_LIMIT) return { chunks: 0, encoding, inline: await this.platform.cipher.seal(this.ctx(tenantId, importId, 0), packed) };
    const parts: string[] = [];
    for (let i = 0; i < packed.length; i += CHUNK_BYTES) parts.push(packed.slice(i, i + CHUNK_BYTES));
    const collection = this.platform.store.collection<RawChunkItem>('imports', tenantId);
    await mapLimit(parts, 4, async (part, index) => {
      const enc = { raw: await this.platform.cipher.seal(this.ctx(tenantId, importId, index), part) };
      await collection.upsert({ id: rawChunkId(importId, index), tenantId, propertyId, type: 'importRaw', importId, index, receivedAt, enc });
    });
    return { chunks: parts.length, encoding };
  }

  /** The body as received. Throws RawBodyMissing once retention purged it. */
  async get(item: Pick<ImportItem, 'id' | 'tenantId' | 'propertyId' | 'raw' | 'enc'>): Promise<Buffer> {
    if (item.raw.purgedAt) throw new RawBodyMissing('the raw body was purged by retention');
    const sealedParts: Array<Sealed | undefined> = [];
    if (item.raw.chunks === 0) sealedParts.push(item.enc?.raw);
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
}
