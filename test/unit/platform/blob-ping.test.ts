import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { AzureBlobStore } from '../../../shared/platform/blob/azure-blob-store.js';

describe('BlobStore.ping', () => {
  it('answers false, within its bound, when the endpoint accepts connections but never answers', async () => {
    // A listener that holds connections open: the probe must give up rather than hang the health route.
    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      expect(await new AzureBlobStore({ kind: 'azurite', endpoint: `http://127.0.0.1:${port}` }).ping(300)).toBe(false);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('answers false when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    expect(await new AzureBlobStore({ kind: 'azurite', endpoint: `http://127.0.0.1:${port}` }).ping(300)).toBe(false);
  });
});
