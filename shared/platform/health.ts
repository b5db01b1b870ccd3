import type { Config } from '../config.js';
import type { Store } from './cosmos/store.js';
import type { MessagePublisher } from './bus/types.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  environment: string;
  checks: { store: 'ok' | 'unavailable'; bus: 'ok' | 'unavailable' };
  time: string;
}

/** Readiness of the app's dependencies, for GET /api/v1/health. */
export class HealthService {
  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly bus: MessagePublisher,
  ) {}

  async report(): Promise<HealthReport> {
    const [store, bus] = await Promise.all([this.store.ping(), this.bus.ready()]);
    return {
      status: store && bus ? 'ok' : 'degraded',
      version: this.config.APP_VERSION,
      environment: this.config.APP_ENV,
      checks: { store: store ? 'ok' : 'unavailable', bus: bus ? 'ok' : 'unavailable' },
      time: new Date().toISOString(),
    };
  }
}
