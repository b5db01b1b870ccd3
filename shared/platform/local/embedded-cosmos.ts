import { Worker } from 'node:worker_threads';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '../log.js';

export interface EmbeddedCosmos {
  endpoint: string;
  close(): Promise<void>;
}

export interface EmbeddedCosmosOptions {
  port?: number;
  /**
   * Keep the store in this folder across restarts: loaded at start, snapshotted every
   * `snapshotIntervalMs` while it changes and once more at close. Unset: in memory only.
   */
  stateDir?: string;
  snapshotIntervalMs?: number;
  log?: Log;
}

type WorkerMessage =
  | { type: 'listening'; port: number }
  | { type: 'error'; message: string }
  | { type: 'closed' }
  | { type: 'saved'; ms: number }
  | { type: 'log'; level: 'info' | 'error'; message: string; [key: string]: unknown };

const SNAPSHOT_FILE = 'cosmos-snapshot.ndjson';
const LOCK_FILE = 'cosmos.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process other than this one that holds the state folder's store, if any. */
export function stateDirHolder(dir: string): number | undefined {
  let holder: number;
  try {
    holder = Number(readFileSync(join(dir, LOCK_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  return Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder) ? holder : undefined;
}

/**
 * One process at a time owns a state folder's store: two would overwrite each other's snapshots.
 * A lock left by a process that died is taken over.
 */
function lockStateDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const holder = stateDirHolder(dir);
  if (holder !== undefined) {
    throw new Error(`the local store in ${dir} is in use by process ${holder} (another npm start?); stop it or set another LOCAL_STATE_DIR`);
  }
  const file = join(dir, LOCK_FILE);
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

/**
 * Starts @vercel/cosmosdb-server on loopback in plain-HTTP mode, on a worker thread. Its TLS mode
 * ships a certificate that expired in 2021; plain HTTP on 127.0.0.1 avoids touching TLS
 * verification at all. Only the local host and tests call this, so an Azure deployment never
 * loads the server.
 */
export async function startEmbeddedCosmos(options: EmbeddedCosmosOptions = {}): Promise<EmbeddedCosmos> {
  const unlock = options.stateDir ? lockStateDir(options.stateDir) : () => undefined;
  const worker = new Worker(new URL('./embedded-cosmos-worker.cjs', import.meta.url), {
    workerData: {
      port: options.port ?? 0,
      snapshotFile: options.stateDir ? join(options.stateDir, SNAPSHOT_FILE) : undefined,
      snapshotIntervalMs: options.snapshotIntervalMs ?? 5000,
    },
  });
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'log') {
      const { type: _type, level, message, ...props } = m;
      options.log?.[level](message, props);
    } else if (m.type === 'saved') options.log?.debug('embedded store snapshot written', { ms: m.ms });
  });
  let listening: number;
  try {
    listening = await new Promise<number>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'listening') resolve(m.port);
        else if (m.type === 'error') reject(new Error(`embedded Cosmos server: ${m.message}`));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`embedded Cosmos server thread exited (${code})`)));
    });
  } catch (err) {
    await worker.terminate();
    unlock();
    throw err;
  }
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
      unlock();
    },
  };
}
