import type { ConnectorContext, PullResult } from '../../shared/connectors/connector.js';
import { Circuits } from '../../shared/connectors/http/circuit.js';
import type { Clock } from '../../shared/connectors/http/clock.js';
import { TokenCache } from '../../shared/connectors/http/oauth-tokens.js';
import { createVendorHttp } from '../../shared/connectors/http/vendor-http.js';

/** Helpers of the labour connectors' unit tests (7shifts, Deputy): a context on the real vendor HTTP client, and sums of `tms` records. */

/**
 * A connector context on the framework's real HTTP client, its own circuit, 2.5 s per attempt and a
 * clock whose sleeps are recorded in `waits` instead of taken (retries and Retry-After stay fast).
 */
export function labourContext<S, C>(vendor: string, settings: S, credentials: C, waits: number[] = [], timeZone = 'Europe/Vienna'): ConnectorContext<S, C> {
  const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  const http = createVendorHttp({ vendor, circuitKey: `${vendor}-${Math.random()}`, circuits: new Circuits(), tokens: new TokenCache(), clock, timeoutMs: 2500, retry: { maxAttempts: 4, baseDelayMs: 100 } });
  return { settings, credentials, http, timeZone, today: '2026-04-15' };
}

/** Productive hours and labour cost of a result's live `tms` records, per `department|date`. */
export function byDepartmentDay(result: PullResult): Map<string, { hours: number; cost: number }> {
  const out = new Map<string, { hours: number; cost: number }>();
  for (const b of result.batches.filter((x) => x.sourceType === 'tms'))
    for (const r of b.records) {
      if (r.deleted) continue;
      const k = `${String(r.department)}|${String(r.date)}`;
      const sum = out.get(k) ?? { hours: 0, cost: 0 };
      out.set(k, { hours: sum.hours + (r.productiveHours as number), cost: Math.round((sum.cost + (r.labourCost as number)) * 100) / 100 });
    }
  return out;
}
