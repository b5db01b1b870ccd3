import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import type { Clock } from '../../../shared/connectors/http/clock.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import type { ConnectorContext } from '../../../shared/connectors/connector.js';
import { square } from '../../../shared/connectors/vendors/square/index.js';
import { squareSettings, type SquareCredentials, type SquareSettings } from '../../../shared/connectors/vendors/square/settings.js';
import { startSquareFake, type SquareFake } from '../../fakes/vendors/square/server.js';

/**
 * Square answers 500, 429 with Retry-After and never answers during a backfill: the client's retries
 * absorb what they can, a window that still fails fails whole (nothing half-read is returned), and
 * reading it again gives the records of a fault-free read.
 */

const TODAY = '2026-03-15';
const credentials: SquareCredentials = { accessToken: 'EAAA-fake-square-access-token' };
const RANGE = { from: '2026-02-10', to: '2026-03-05' };
let fake: SquareFake;
let settings: SquareSettings;

beforeAll(async () => {
  fake = await startSquareFake({ from: '2026-02-01', to: '2026-03-10' });
  settings = squareSettings.parse({ baseUrl: fake.url, locationIds: ['18YC4JDH91E1H', '3Z4V4WHQK64X9'] });
});
afterAll(() => fake.close());

/** The client's waits are recorded and skipped: back-off and Retry-After are asserted, never slept. A per-attempt timeout of 2.5 s: an ordinary answer on a loaded machine is not taken for the injected hang. */
function context(waits: number[]): ConnectorContext<SquareSettings, SquareCredentials> {
  const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  const http = createVendorHttp({ vendor: 'Square', circuitKey: 'square-faults', circuits: new Circuits(), clock, timeoutMs: 2500, retry: { maxAttempts: 4, baseDelayMs: 100 } });
  return { settings, credentials, http, timeZone: 'Europe/Vienna', today: TODAY };
}

describe('Square backfill under vendor faults', () => {
  it('survives a 500, a 429 and a hang inside the client, fails a window that outlasts its retries, and a re-read equals a fault-free one', async () => {
    const clean = await square.backfill(context([]), RANGE);

    const waits: number[] = [];
    const search = /\/v2\/orders\/search$/;
    fake.fault({ kind: 'status', status: 500 }, search);
    fake.fault({ kind: 'rateLimit', retryAfterSeconds: 7 }, search);
    fake.fault({ kind: 'hang' }, search);
    const survived = await square.backfill(context(waits), RANGE);
    expect(waits).toHaveLength(3);
    expect(waits).toContain(7000);
    expect(survived).toEqual(clean);

    for (let i = 0; i < 4; i++) fake.fault({ kind: 'status', status: 503 }, /\/v2\/locations$/);
    await expect(square.backfill(context([]), RANGE)).rejects.toMatchObject({ reason: 'server_error', status: 503 });
    expect(await square.backfill(context([]), RANGE)).toEqual(clean);
    expect(fake.violations).toEqual([]);
  });
});
