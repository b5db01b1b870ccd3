import type { Server } from 'node:http';

export interface EmbeddedCosmos {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts @vercel/cosmosdb-server on loopback in plain-HTTP mode. Its TLS mode ships a certificate
 * that expired in 2021; plain HTTP on 127.0.0.1 avoids touching TLS verification at all.
 * Loaded lazily so an Azure deployment never imports it.
 */
export async function startEmbeddedCosmos(port = 0): Promise<EmbeddedCosmos> {
  const mod = (await import('@vercel/cosmosdb-server')) as unknown as {
    createHttpServer?: (opts?: { keepAlive?: boolean }) => Server;
    default?: { createHttpServer: (opts?: { keepAlive?: boolean }) => Server };
  };
  const create = mod.createHttpServer ?? mod.default?.createHttpServer;
  if (!create) throw new Error('@vercel/cosmosdb-server does not export createHttpServer');
  // Without keepAlive it answers every request with `connection: close`, so the SDK's keep-alive
  // agent opens (and the shared event loop accepts and tears down) a TCP connection per store call.
  const server = create({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('embedded Cosmos server has no TCP address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
