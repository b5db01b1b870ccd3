import type { TokenCredential } from '@azure/identity';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { bareEtag, type BlobContent, type BlobEntry, type BlobStore } from './blob-store.js';

/** The emulator's documented development account (public, the same in every Azurite). */
export const AZURITE_ACCOUNT = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
} as const;

/** Where the blob client connects and how it authenticates. */
export type BlobTarget =
  /** Azure: the account's blob endpoint, the app's managed identity (shared keys are off on the account). */
  | { kind: 'azure'; accountUrl: string; credential: () => TokenCredential }
  /** Azurite: its endpoint, the development account's shared key. */
  | { kind: 'azurite'; endpoint: string };

function statusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err ? (err as { statusCode?: number }).statusCode : undefined;
}

/** The one BlobStore adapter, on @azure/storage-blob (loaded on first use: it is cold-start weight). */
export class AzureBlobStore implements BlobStore {
  private client: Promise<BlobServiceClient> | undefined;

  /** `target` may be resolved on first use (a local Azurite started only when blobs are needed). */
  constructor(private readonly target: BlobTarget | (() => Promise<BlobTarget>)) {}

  private service(): Promise<BlobServiceClient> {
    this.client ??= (async () => {
      const target = typeof this.target === 'function' ? await this.target() : this.target;
      const sdk = await import('@azure/storage-blob');
      if (target.kind === 'azure') return new sdk.BlobServiceClient(target.accountUrl, target.credential());
      const key = new sdk.StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key);
      return new sdk.BlobServiceClient(`${target.endpoint}/${AZURITE_ACCOUNT.name}`, key);
    })().catch((err: unknown) => {
      // A failed start is tried again on the next call rather than remembered.
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  private async container(name: string): Promise<ContainerClient> {
    return (await this.service()).getContainerClient(name);
  }

  async ensureContainer(container: string): Promise<void> {
    await (await this.container(container)).createIfNotExists();
  }

  async put(container: string, name: string, bytes: Buffer, contentType?: string): Promise<{ etag: string }> {
    const blob = (await this.container(container)).getBlockBlobClient(name);
    const r = await blob.uploadData(bytes, contentType ? { blobHTTPHeaders: { blobContentType: contentType } } : {});
    return { etag: bareEtag(r.etag ?? '') };
  }

  async get(container: string, name: string, options: { ifMatch?: string } = {}): Promise<BlobContent | undefined> {
    const blob = (await this.container(container)).getBlobClient(name);
    try {
      const r = await blob.download(0, undefined, options.ifMatch ? { conditions: { ifMatch: `"${options.ifMatch}"` } } : {});
      const chunks: Buffer[] = [];
      for await (const chunk of r.readableStreamBody as NodeJS.ReadableStream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      const content: BlobContent = { bytes: Buffer.concat(chunks), etag: bareEtag(r.etag ?? '') };
      if (r.contentType) content.contentType = r.contentType;
      return content;
    } catch (err) {
      if (statusOf(err) === 404 || statusOf(err) === 412) return undefined;
      throw err;
    }
  }

  async *list(container: string, options: { prefix?: string } = {}): AsyncIterable<BlobEntry> {
    const client = await this.container(container);
    try {
      for await (const b of client.listBlobsFlat(options.prefix ? { prefix: options.prefix } : {})) {
        yield { name: b.name, etag: bareEtag(b.properties.etag), size: b.properties.contentLength ?? 0, lastModified: b.properties.lastModified };
      }
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async *containers(prefix: string): AsyncIterable<string> {
    for await (const c of (await this.service()).listContainers({ prefix })) yield c.name;
  }

  async ping(timeoutMs: number): Promise<boolean> {
    try {
      const pages = (await this.service()).listContainers({ prefix: 'pmi-health', abortSignal: AbortSignal.timeout(timeoutMs) }).byPage({ maxPageSize: 1 });
      await pages.next();
      return true;
    } catch {
      return false;
    }
  }

  async delete(container: string, name: string, options: { ifMatch?: string } = {}): Promise<boolean> {
    const blob = (await this.container(container)).getBlobClient(name);
    try {
      await blob.delete(options.ifMatch ? { conditions: { ifMatch: `"${options.ifMatch}"` } } : {});
      return true;
    } catch (err) {
      if (statusOf(err) === 404 || statusOf(err) === 412) return false;
      throw err;
    }
  }
}
