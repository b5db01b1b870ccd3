/** A blob as listed: its name, version (ETag, unquoted) and size. */
export interface BlobEntry {
  name: string;
  etag: string;
  size: number;
  lastModified: Date;
}

/** A blob read back whole, with the version that was read. */
export interface BlobContent {
  bytes: Buffer;
  etag: string;
  contentType?: string;
}

/**
 * The Blob Storage port: one container per owner (a `file` integration), blobs read and written
 * whole. One adapter (azure-blob-store.ts) speaks to Azure Storage with the app's managed identity and
 * to Azurite locally with the emulator's well-known account, so the same code runs in both places.
 */
export interface BlobStore {
  /** Creates the container if it does not exist (idempotent). */
  ensureContainer(container: string): Promise<void>;
  /** Writes a blob, replacing any of the same name; returns its new version. */
  put(container: string, name: string, bytes: Buffer, contentType?: string): Promise<{ etag: string }>;
  /**
   * A blob's content; undefined when there is none, or when `ifMatch` is given and the blob is now
   * another version (an overwrite is its own drop, with its own event).
   */
  get(container: string, name: string, options?: { ifMatch?: string }): Promise<BlobContent | undefined>;
  /** The blobs of a container (none when the container does not exist), in name order. */
  list(container: string, options?: { prefix?: string }): AsyncIterable<BlobEntry>;
  /** The containers whose names start with `prefix`. */
  containers(prefix: string): AsyncIterable<string>;
  /** Readiness probe: one container listing of at most one entry, bounded at `timeoutMs`; false when the service doesn't answer. */
  ping(timeoutMs: number): Promise<boolean>;
  /** Deletes a blob (only that version, with `ifMatch`); false when it was not there (or had changed). */
  delete(container: string, name: string, options?: { ifMatch?: string }): Promise<boolean>;
}

/** ETags come quoted from some operations and bare from listings: compared and keyed bare. */
export function bareEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}
