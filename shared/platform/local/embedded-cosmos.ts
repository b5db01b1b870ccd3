import { Worker } from 'node:worker_threads';

export interface EmbeddedCosmos {
  endpoint: string;
  close(): Promise<void>;
}

type WorkerMessage = { type: 'listening'; port: number } | { type: 'error'; message: string } | { type: 'closed' };

/**
 * Starts @vercel/cosmosdb-server on loopback in plain-HTTP mode, on a worker thread. Its TLS mode
 * ships a certificate that expired in 2021; plain HTTP on 127.0.0.1 avoids touching TLS
 * verification at all. Only the local host and tests call this, so an Azure deployment never
 * loads the server.
 */
export async function startEmbeddedCosmos(port = 0): Promise<EmbeddedCosmos> {
  const worker = new Worker(new URL('./embedded-cosmos-worker.cjs', import.meta.url), { workerData: { port } });
  const listening = await new Promise<number>((resolve, reject) => {
    const onMessage = (m: WorkerMessage) => {
      if (m.type === 'listening') resolve(m.port);
      else if (m.type === 'error') reject(new Error(`embedded Cosmos server: ${m.message}`));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`embedded Cosmos server thread exited (${code})`)));
  });
  return {
    endpoint: `http://127.0.0.1:${listening}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => {
        worker.on('message', (m: WorkerMessage) => m.type === 'closed' && resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}
