import { createHmac, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

/** The worker module, beside this one in the sources and in dist/ alike. */
const WORKER = new URL('./hash-worker.cjs', import.meta.url).href;

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
    this.pool ??= new Piscina({ filename: WORKER, minThreads: 1, maxThreads: size, idleTimeout: 60_000 });
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
