import { opera } from '../../../shared/connectors/vendors/opera/index.js';
import { operaContext, RecordingClock } from '../../fakes/vendors/opera/context.js';
import { startFakeOhip, type FakeOhip } from '../../fakes/vendors/opera/server.js';

const RANGE = { from: '2026-01-01', to: '2026-04-30' };
const TODAY = '2026-03-15';

/** The vendor fails mid-backfill; what the backfill finally returns must equal a fault-free run's. */
describe('OPERA Cloud connector under vendor faults', () => {
  let fake: FakeOhip;
  let reference: Awaited<ReturnType<typeof opera.backfill>>;

  beforeAll(async () => {
    const clean = await startFakeOhip({ today: TODAY });
    try {
      reference = await opera.backfill(operaContext(clean), RANGE);
    } finally {
      await clean.stop();
    }
  });
  beforeEach(async () => {
    fake = await startFakeOhip({ today: TODAY });
  });
  afterEach(() => fake.stop());

  it('rides out a 500, a 429 with Retry-After and a hanging request with the same result', async () => {
    fake.inject('getFinancialPostings', { kind: 'status', status: 500 }, { skip: 3 });
    fake.inject('getInventoryStatistics', { kind: 'rate-limit', retryAfterSeconds: 7 }, { skip: 1 });
    fake.inject('getRevenueInventoryStatistics', { kind: 'hang' }, { skip: 1 });
    const clock = new RecordingClock();

    const result = await opera.backfill(operaContext(fake, { clock, timeoutMs: 2500 }), RANGE);

    expect(result).toEqual(reference);
    expect(fake.requests.filter((r) => r.status === 500 || r.status === 429 || r.status === 0)).toHaveLength(3);
    // The 429's Retry-After was honoured (the clock records the wait instead of sleeping it).
    expect(clock.sleeps).toContain(7_000);
    expect(fake.violations).toEqual([]);
  });

  it('a run that fails for good throws, and the next run returns what a fault-free run does', async () => {
    fake.inject('getFinancialPostings', { kind: 'status', status: 500 }, { skip: 2, times: 5 });

    await expect(opera.backfill(operaContext(fake), RANGE)).rejects.toMatchObject({ reason: 'server_error' });

    const resumed = await opera.backfill(operaContext(fake), RANGE);
    expect(resumed).toEqual(reference);
  });
});
