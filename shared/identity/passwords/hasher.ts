import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { createOnce } from './pepper.js';

/**
 * The worker's code. It is written to a content-addressed file at first use rather than shipped as a
 * module of ours, because the pool must start the same way from compiled output (npm start, Azure)
 * and from TypeScript sources (jest), and a worker thread can only load JavaScript from disk.
 * bcryptjs is loaded by absolute path, resolved from this module.
 */
function workerSource(bcryptPath: string): string {
  return `'use strict';
const bcrypt = require(${JSON.stringify(bcryptPath)});
module.exports = async function run(task) {
  if (task.op === 'hash') return bcrypt.hash(task.input, task.cost);
  return bcrypt.compare(task.input, task.hash);
};
`;
}

function workerFile(): string {
  const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
  const source = workerSource(bcryptPath);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = join(tmpdir(), `pmi-password-worker-${digest}.cjs`);
  createOnce(file, source);
  return file;
}

/**
 * Password hashing: HMAC-SHA256 of the password under the pepper (so any length is hashed whole,
 * never cut at bcrypt's 72 bytes, and a stolen database alone can't be brute-forced), base64, then
 * bcrypt with a per-hash salt. bcrypt runs on a worker-thread pool so the event loop keeps serving
 * other requests while logins are hashed.
 *
 * @example
 * const hash = await hasher.hash('correct horse battery staple');
 * await hasher.verify('correct horse battery staple', hash); // true
 */
export class PasswordHasher {
  private pool: Piscina | undefined;
  /** A hash of a random secret at the configured cost: compared against when the user does not exist. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly pepper: Buffer,
    private readonly cost: number,
    private readonly threads: number,
  ) {
    if (pepper.length !== 32) throw new Error('the password pepper must be 32 bytes');
  }

  private prehash(password: string): string {
    return createHmac('sha256', this.pepper).update(password.normalize('NFC'), 'utf8').digest('base64');
  }

  private workers(): Piscina {
    const size = this.threads > 0 ? this.threads : availableParallelism();
    this.pool ??= new Piscina({ filename: workerFile(), minThreads: 1, maxThreads: size, idleTimeout: 60_000 });
    return this.pool;
  }

  async hash(password: string): Promise<string> {
    return (await this.workers().run({ op: 'hash', input: this.prehash(password), cost: this.cost })) as string;
  }

  async verify(password: string, hash: string): Promise<boolean> {
    return (await this.workers().run({ op: 'compare', input: this.prehash(password), hash })) as boolean;
  }

  /**
   * Spends the same work as a real verification, for unknown users, so timing does not reveal
   * whether an account exists. The dummy hash is made at the configured cost on first use.
   */
  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash(randomBytes(32).toString('base64'));
    await this.verify(password, await this.dummyHash);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.destroy();
  }
}
