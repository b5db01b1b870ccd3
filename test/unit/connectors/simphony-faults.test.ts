import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConnectorContext } from '../../../shared/connectors/connector.js';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import type { Clock } from '../../../shared/connectors/http/clock.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import { simphony } from '../../../shared/connectors/vendors/simphony/index.js';
import { simphonySettings, type SimphonyCredentials, type SimphonySettings } from '../../../shared/connectors/vendors/simphony/settings.js';
import { LOC, RVC_BAR, RVC_RESTAURANT } from '../../fakes/vendors/simphony/dataset.js';
import { startSimphonyFake, type SimphonyFake } from '../../fakes/vendors/simphony/server.js';

/**
 * The BI API answers 500, 429 with Retry-After and never answers during a backfill, in a guest-check
 * read and in a daily-totals read: the client's retries absorb them and the records equal a
 * fault-free read; a read that outlasts its retries fails whole (nothing half-read is returned), and
 * reading again gives the fault-free records.
 */

const ORG = 'HOTELORG';
const credentials: SimphonyCredentials = { clientId: 'simphony-faults-client', username: 'bi-api-user', password: 'bi-api-password' };
const RANGE = { from: '2026-03-13', to: '2026-03-15' };
let fake: SimphonyFake;
let settings: SimphonySettings;

beforeAll(async () => {
  fake = await startSimphonyFake({ org: ORG, ...credentials });
  settings = simphonySettings.parse({ baseUrl: fake.url, orgShortName: ORG, locations: [{ locRef: LOC, outlet: 'HOTEL', byRevenueCenter: { [RVC_RESTAURANT]: 'REST', [RVC_BAR]: 'BAR' } }] });
});
afterAll(() => fake.close());

/** The client's waits are recorded and skipped. A per-attempt timeout of 2.5 s: an ordinary answer on a loaded machine is not taken for the injected hang. */
function context(waits: number[]): ConnectorContext<SimphonySettings, SimphonyCredentials> {
  const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  const http = createVendorHttp({ vendor: 'Oracle Simphony', circuitKey: `simphony-faults-${Math.random()}`, circuits: new Circuits(), clock, timeoutMs: 2500, retry: { maxAttempts: 4, baseDelayMs: 100 } });
  return { settings, credentials, http, timeZone: 'Europe/Vienna', today: '2026-03-15' };
}

describe('Oracle Simphony backfill under vendor faults', () => {
  it('survives a 500, a 429 and a hang in a guest-check read, fails a read that outlasts its retries, and a re-read equals a fault-free one', async () => {
    const clean = await simphony.backfill!(context([]), RANGE);
    expect(clean.batches.flatMap((b) => b.records).length).toBeGreaterThan(0);

    const waits: number[] = [];
    const checks = /\/getGuestChecks$/;
    fake.fault({ kind: 'status', status: 500 }, checks);
    fake.fault({ kind: 'rateLimit', retryAfterSeconds: 7 }, checks);
    fake.fault({ kind: 'hang' }, checks);
    const survived = await simphony.backfill!(context(waits), RANGE);
    expect(waits).toHaveLength(3);
    expect(waits).toContain(7000);
    expect(survived).toEqual(clean);

    for (let i = 0; i < 4; i++) fake.fault({ kind: 'status', status: 503 }, checks);
    await expect(simphony.backfill!(context([]), RANGE)).rejects.toMatchObject({ reason: 'server_error', status: 503 });
    expect(await simphony.backfill!(context([]), RANGE)).toEqual(clean);
    expect(fake.violations).toEqual([]);
  });

  it('survives a 500, a 429 and a hang in a daily-totals read, fails a read that outlasts its retries, and a re-read equals a fault-free one', async () => {
    const clean = await simphony.backfill!(context([]), RANGE);
    const waits: number[] = [];
    const totals = /\/getOperationsDailyTotals$/;
    fake.fault({ kind: 'status', status: 500 }, totals);
    fake.fault({ kind: 'rateLimit', retryAfterSeconds: 3 }, totals);
    fake.fault({ kind: 'hang' }, totals);
    fake.requests.length = 0;
    const survived = await simphony.backfill!(context(waits), RANGE);
    expect(waits).toHaveLength(3);
    expect(waits).toContain(3000);
    expect(survived).toEqual(clean);
    // Two closed dates, the first asked four times (three faults, then its answer).
    expect(fake.requests.filter((r) => totals.test(r.path))).toHaveLength(5);

    for (let i = 0; i < 4; i++) fake.fault({ kind: 'status', status: 500 }, totals);
    await expect(simphony.backfill!(context([]), RANGE)).rejects.toMatchObject({ reason: 'server_error', status: 500 });
    expect(await simphony.backfill!(context([]), RANGE)).toEqual(clean);
    expect(fake.violations).toEqual([]);
  });
});
