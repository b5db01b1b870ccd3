import type { Config } from './config.js';
import type { Store } from './cosmos/store.js';
import type { MessagePublisher } from './bus/types.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  environment: string;
  /**
   * `blob`: Blob Storage for file drops; `idle` while the local Azurite hasn't been needed yet (it
   * starts on first use). It doesn't decide `status`: without Blob Storage the API still serves
   * everything but file drops, so taking instances out of a load balancer would only make it worse.
   */
  checks: { store: 'ok' | 'unavailable'; bus: 'ok' | 'unavailable'; blob: BlobCheck };
  time: string;
}

export type BlobCheck = 'ok' | 'unavailable' | 'idle';

/** How long a dependency probe result is reused: probes are cheap, but a load balancer polling health must not load the store. */
const PROBE_TTL_MS = 2000;

/** Readiness of the app's dependencies, for GET /api/v1/health. */
export class HealthService {
  private probe: { at: number; result: Promise<HealthReport['checks']> } | undefined;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly bus: MessagePublisher,
    private readonly blob: () => Promise<BlobCheck>,
    private readonly now: () => number = Date.now,
  ) {}

  private checks(): Promise<HealthReport['checks']> {
    if (this.probe && this.now() - this.probe.at < PROBE_TTL_MS) return this.probe.result;
    const result = Promise.all([this.store.ping(), this.bus.ready(), this.blob()]).then(([store, bus, blob]) => ({
      store: store ? ('ok' as const) : ('unavailable' as const),
      bus: bus ? ('ok' as const) : ('unavailable' as const),
      blob,
    }));
    this.probe = { at: this.now(), result };
    return result;
  }

  async report(): Promise<HealthReport> {
    const checks = await this.checks();
    return {
      status: checks.store === 'ok' && checks.bus === 'ok' ? 'ok' : 'degraded',
      version: this.config.APP_VERSION,
      environment: this.config.APP_ENV,
      checks,
      time: new Date(this.now()).toISOString(),
    };
  }
}
