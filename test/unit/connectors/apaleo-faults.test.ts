import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import type { Clock } from '../../../shared/connectors/http/clock.js';
import { TokenCache } from '../../../shared/connectors/http/oauth-tokens.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import type { CanonicalBatch, ConnectorContext } from '../../../shared/connectors/connector.js';
import { apaleo } from '../../../shared/connectors/vendors/apaleo/index.js';
import { apaleoSettings, type ApaleoCredentials, type ApaleoSettings } from '../../../shared/connectors/vendors/apaleo/settings.js';
import { addDays } from '../../fakes/vendors/apaleo/dataset.js';
import { startApaleoFake, type ApaleoFake } from '../../fakes/vendors/apaleo/server.js';

/**
 * apaleo answers 500, 429 with Retry-After and never answers, in the middle of a backfill done in
 * windows as a run does it: a window whose request still fails after the client's retries fails, the
 * run resumes from that window, and the records equal a fault-free backfill's.
 */

const TODAY = '2026-03-15';
const credentials: ApaleoCredentials = { clientId: 'PMI-APALEO', clientSecret: 'fake-apaleo-client-secret' };
let fake: ApaleoFake;
let settings: ApaleoSettings;

beforeAll(async () => {
  fake = await startApaleoFake({ from: '2025-12-20', to: '2026-05-31', today: TODAY });
  settings = apaleoSettings.parse({ propertyId: 'MUC', apiBaseUrl: fake.url, identityBaseUrl: fake.url, excludedUnitGroupIds: ['MUC-MEET'] });
});
afterAll(() => fake.close());

/** The client's waits are recorded and skipped: back-off and Retry-After are asserted, never slept. */
function context(waits: number[]): ConnectorContext<ApaleoSettings, ApaleoCredentials> {
  const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  const http = createVendorHttp({ vendor: 'apaleo', circuitKey: 'apaleo-faults', tokenRequest: apaleo.tokenRequest!(settings, credentials), circuits: new Circuits(), tokens: new TokenCache(), clock, timeoutMs: 2500, retry: { maxAttempts: 4, baseDelayMs: 100 } });
  return { settings, credentials, http, timeZone: 'Europe/Berlin', today: TODAY };
}

/** A backfill in windows of the manifest's size, each retried (resumed) until it succeeds, as a run resumes from its watermark. */
async function backfillInWindows(ctx: ConnectorContext<ApaleoSettings, ApaleoCredentials>, from: string, to: string, failures: string[], beforeWindow?: (index: number) => void) {
  const records = new Map<string, Record<string, unknown>>();
  let index = 0;
  for (let start = from; start <= to; start = addDays(start, apaleo.manifest.capabilities.maxWindowDays), index++) {
    const end = addDays(start, apaleo.manifest.capabilities.maxWindowDays - 1) < to ? addDays(start, apaleo.manifest.capabilities.maxWindowDays - 1) : to;
    beforeWindow?.(index);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await apaleo.backfill(ctx, { from: start, to: end });
        for (const b of result.batches as CanonicalBatch[]) for (const r of b.records) records.set(`${b.sourceType} ${String(r.id)}`, r);
        break;
      } catch (err) {
        failures.push((err as { reason?: string }).reason ?? String(err));
        if (attempt === 3) throw err;
      }
    }
  }
  return records;
}

describe('apaleo backfill under vendor faults', () => {
  it('resumes after 500s, a 429 and a request that never answers, to the records of a fault-free run', async () => {
    const clean = await backfillInWindows(context([]), '2026-01-01', '2026-04-30', []);
    expect(fake.violations).toEqual([]);

    const waits: number[] = [];
    const failures: string[] = [];
    const faulted = await backfillInWindows(context(waits), '2026-01-01', '2026-04-30', failures, (index) => {
      if (index === 1) {
        // Survived inside the client: a 500, a 429 asking for 7 s, a hang past the timeout, then an answer.
        fake.fault({ kind: 'status', status: 500 }, /\/booking\/v1\/reservations$/);
        fake.fault({ kind: 'rateLimit', retryAfterSeconds: 7 }, /\/booking\/v1\/reservations$/);
        fake.fault({ kind: 'hang' }, /\/booking\/v1\/reservations$/);
      }
      if (index === 2) {
        // Outlasts the client's four attempts: the window fails and the run resumes it.
        for (let i = 0; i < 4; i++) fake.fault({ kind: 'status', status: 503 }, /\/booking\/v1\/reservations$/);
      }
    });

    expect(failures).toEqual(['server_error']);
    // Three retries in the second window (after the 500, the 429, the timeout), three in the third before it gave up.
    expect(waits).toHaveLength(6);
    expect(waits).toContain(7000);
    expect(fake.violations).toEqual([]);
    expect(faulted.size).toBe(clean.size);
    expect([...faulted.entries()].sort()).toEqual([...clean.entries()].sort());
  });
});
