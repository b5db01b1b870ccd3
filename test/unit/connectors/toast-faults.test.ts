import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import type { Clock } from '../../../shared/connectors/http/clock.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import type { ConnectorContext } from '../../../shared/connectors/connector.js';
import { toast } from '../../../shared/connectors/vendors/toast/index.js';
import { toastSettings, type ToastCredentials, type ToastSettings } from '../../../shared/connectors/vendors/toast/settings.js';
import { BRASSERIE, ROOFTOP } from '../../fakes/vendors/toast/dataset.js';
import { startToastFake, type ToastFake } from '../../fakes/vendors/toast/server.js';

/**
 * Toast answers 500, 429 with Retry-After, never answers, and revokes the token during a backfill:
 * the client's retries and one fresh login absorb what they can, a read that still fails fails whole
 * (nothing half-read is returned), and reading again gives the records of a fault-free read. Wrong
 * credentials fail the login, a restaurant the client cannot see fails the run naming it.
 */

const TODAY = '2026-03-15';
const CLIENT = { clientId: 'toast-faults-client', clientSecret: 'toast-faults-secret' };
const RANGE = { from: '2026-03-01', to: '2026-03-06' };
let fake: ToastFake;
let settings: ToastSettings;

beforeAll(async () => {
  fake = await startToastFake({ from: '2026-02-25', to: '2026-03-10', ...CLIENT });
  settings = toastSettings.parse({ baseUrl: fake.url, restaurants: [{ guid: BRASSERIE }, { guid: ROOFTOP }] });
});
afterAll(() => fake.close());

/** The client's waits are recorded and skipped. A per-attempt timeout of 2.5 s: an ordinary answer on a loaded machine is not taken for the injected hang. */
function context(waits: number[], credentials: ToastCredentials = CLIENT, s: ToastSettings = settings): ConnectorContext<ToastSettings, ToastCredentials> {
  const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  const http = createVendorHttp({ vendor: 'Toast', circuitKey: `toast-faults-${Math.random()}`, circuits: new Circuits(), clock, timeoutMs: 2500, retry: { maxAttempts: 4, baseDelayMs: 100 } });
  return { settings: s, credentials, http, timeZone: 'Europe/Vienna', today: TODAY };
}

describe('Toast backfill under vendor faults', () => {
  it('survives a 500, a 429, a hang and a revoked token, fails a read that outlasts its retries, and a re-read equals a fault-free one', async () => {
    const clean = await toast.backfill(context([]), RANGE);
    // Six dates of two restaurants, beside them the refund records of the refunded orders.
    expect(clean.batches[0]!.records.filter((r) => !String(r.id).includes(':refund:'))).toHaveLength(12);

    const waits: number[] = [];
    const bulk = /\/ordersBulk$/;
    fake.fault({ kind: 'status', status: 500 }, bulk);
    fake.fault({ kind: 'rateLimit', retryAfterSeconds: 7 }, bulk);
    fake.fault({ kind: 'hang' }, bulk);
    fake.fault({ kind: 'revokeToken' }, bulk);
    const loginsBefore = fake.logins;
    const survived = await toast.backfill(context(waits), RANGE);
    expect(waits).toHaveLength(3);
    expect(waits).toContain(7000);
    expect(fake.logins).toBe(loginsBefore + 1);
    expect(survived).toEqual(clean);

    for (let i = 0; i < 4; i++) fake.fault({ kind: 'status', status: 503 }, /\/restaurants\//);
    await expect(toast.backfill(context([]), RANGE)).rejects.toMatchObject({ reason: 'server_error', status: 503 });
    expect(await toast.backfill(context([]), RANGE)).toEqual(clean);
    expect(fake.violations).toEqual([]);
  });

  it('wrong credentials fail the login; a restaurant the client cannot see fails the run naming it', async () => {
    await expect(toast.backfill(context([], { clientId: 'someone-else', clientSecret: 'nope' }), RANGE)).rejects.toMatchObject({ reason: 'token_failed', status: 401 });
    const unknown = toastSettings.parse({ baseUrl: fake.url, restaurants: [{ guid: 'not-ours' }] });
    await expect(toast.backfill(context([], CLIENT, unknown), RANGE)).rejects.toMatchObject({ status: 409, detail: expect.stringContaining('not-ours') });
    expect(fake.violations).toEqual([]);
  });
});
