import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { stateDirHolder } from './embedded-cosmos.js';

export interface LocalAzurite {
  /** The Blob service endpoint, without the account (`http://127.0.0.1:<port>`). */
  endpoint: string;
  close(): Promise<void>;
}

export interface LocalAzuriteOptions {
  port?: number;
  /** Keep blobs in `<stateDir>/azurite` across restarts. Unset: in memory only (`--inMemoryPersistence`). */
  stateDir?: string;
  log?: Log;
}

type WorkerMessage = { type: 'listening'; port: number } | { type: 'error'; message: string } | { type: 'closed' };

/**
 * Starts Azurite's Blob service on loopback on a worker thread, as the embedded Cosmos server is
 * started: by the app itself when no storage account is configured, so `npm start` and the test
 * hosts get Blob Storage with nothing else to run. Locking the state folder is the embedded
 * store's job (both live in it and start together).
 */
export async function startAzurite(options: LocalAzuriteOptions = {}): Promise<LocalAzurite> {
  // Another process's Azurite has the folder's files open; the embedded store then refuses to start as well.
  const holder = options.stateDir ? stateDirHolder(options.stateDir) : undefined;
  if (holder !== undefined) throw new Error(`the local state in ${options.stateDir} is in use by process ${holder} (another npm start?)`);
  const worker = new Worker(new URL('./azurite-worker.cjs', import.meta.url), {
    workerData: { port: options.port ?? 0, location: options.stateDir ? join(options.stateDir, 'azurite') : undefined },
  });
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'listening') resolve(m.port);
        else if (m.type === 'error') reject(new Error(`Azurite: ${m.message}`));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`Azurite thread exited (${code})`)));
    });
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'error') options.log?.error('Azurite failed', { error: m.message });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => {
        worker.on('message', (m: WorkerMessage) => (m.type === 'closed' || m.type === 'error') && resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}
