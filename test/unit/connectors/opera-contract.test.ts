import { VendorError } from '../../../shared/connectors/http/vendor-error.js';
import { opera } from '../../../shared/connectors/vendors/opera/index.js';
import { operaContext } from '../../fakes/vendors/opera/context.js';
import { HOTEL_ID } from '../../fakes/vendors/opera/dataset.js';
import { APP_KEY, startFakeOhip, type FakeOhip } from '../../fakes/vendors/opera/server.js';

/**
 * Every request the OPERA connector sends is checked by the fake gateway against Oracle's published
 * Swagger documents (test/fixtures/vendors/opera): a request OHIP would refuse is a violation.
 */
describe('OPERA Cloud connector against the OHIP specifications', () => {
  let fake: FakeOhip;
  beforeEach(async () => {
    fake = await startFakeOhip({ today: '2026-03-15' });
  });
  afterEach(() => fake.stop());

  it('a backfill over past and future dates sends only requests valid against the specs', async () => {
    const result = await opera.backfill(operaContext(fake), { from: '2025-12-01', to: '2026-06-30' });

    expect(fake.violations).toEqual([]);
    expect(fake.responseViolations).toEqual([]);
    const operations = new Set(fake.requests.map((r) => r.operationId));
    expect([...operations].sort()).toEqual(
      ['getToken', 'startRevenueInventoryStatisticsProcess', 'getRevenueInventoryStatisticsProcessStatus', 'getRevenueInventoryStatistics', 'getInventoryStatistics', 'getFinancialPostings', 'getRoomRevenueTrxCodesLOV'].sort(),
    );
    // One token for the whole run, postings read page after page.
    expect(fake.requests.filter((r) => r.operationId === 'getToken')).toHaveLength(1);
    expect(fake.requests.some((r) => r.operationId === 'getFinancialPostings' && /[?&]offset=[1-9]/.test(r.url))).toBe(true);
    const pms = result.batches.find((b) => b.sourceType === 'pms')!;
    expect(pms.records).toHaveLength(212);
    expect(result.batches.find((b) => b.sourceType === 'ams')!.records.length).toBeGreaterThan(0);
  });

  it('a scheduled pull sends only valid requests and re-reads the recent dates', async () => {
    const result = await opera.pull(operaContext(fake, { settings: { aheadDays: 30 } }), { from: '2026-03-14T23:00:00Z', to: '2026-03-15T05:00:00Z' });

    expect(fake.violations).toEqual([]);
    const dates = result.batches.find((b) => b.sourceType === 'pms')!.records.map((r) => r.date);
    // The window starts on 15 March in Berlin: a week re-read before it, 30 days ahead of today.
    expect(dates[0]).toBe('2026-03-08');
    expect(dates.at(-1)).toBe('2026-04-14');
  });

  it('a request the specs do not allow is caught and recorded', async () => {
    const ctx = operaContext(fake);
    const url = `${fake.baseUrl}/inv/v1/hotels/${HOTEL_ID}/inventoryStatistics`;
    const bad = ctx.http.send({
      method: 'GET',
      url,
      headers: { 'x-app-key': APP_KEY },
      query: { dateRangeStart: '2026-01-01', dateRangeEnd: '2026-01-31', reportCode: 'HouseSummary', roomType: 'STD' },
    });

    await expect(bad).rejects.toBeInstanceOf(VendorError);
    await expect(bad).rejects.toMatchObject({ reason: 'rejected', status: 400 });
    expect(fake.violations).toHaveLength(1);
    const errors = fake.violations[0]!.errors.join('\n');
    expect(errors).toMatch(/x-hotelid.*required/);
    expect(errors).toMatch(/reportCode/);
    expect(errors).toMatch(/roomType.*not declared/);
  });

  it('a span longer than the documents allow is refused', async () => {
    const ctx = operaContext(fake);
    const tooLong = ctx.http.send({
      method: 'GET',
      url: `${fake.baseUrl}/csh/v1/hotels/${HOTEL_ID}/financialPostings`,
      headers: { 'x-app-key': APP_KEY, 'x-hotelid': HOTEL_ID },
      query: { startDate: '2026-01-01', endDate: '2026-02-15', limit: 50, offset: 0 },
    });
    await expect(tooLong).rejects.toMatchObject({ status: 400 });
    expect(fake.violations[0]!.errors.join()).toMatch(/30 days/);
  });

  it('refuses a request without the bearer token, and the client gets a new token when OHIP revokes it', async () => {
    const anonymous = await fetch(`${fake.baseUrl}/inv/v1/hotels/${HOTEL_ID}/inventoryStatistics?dateRangeStart=2026-01-01&dateRangeEnd=2026-01-02&reportCode=RoomsAvailabilitySummary`, {
      headers: { 'x-app-key': APP_KEY, 'x-hotelid': HOTEL_ID, authorization: 'Bearer not-issued' },
    });
    expect(anonymous.status).toBe(401);

    const ctx = operaContext(fake);
    await opera.backfill(ctx, { from: '2026-03-01', to: '2026-03-02' });
    fake.revokeTokens();
    const again = await opera.backfill(ctx, { from: '2026-03-01', to: '2026-03-02' });
    expect(again.batches.find((b) => b.sourceType === 'pms')!.records).toHaveLength(2);
    expect(fake.requests.filter((r) => r.operationId === 'getToken')).toHaveLength(2);
    expect(fake.violations).toEqual([]);
  });

  it('a pull re-reads the recent dates, so a late correction in OPERA replaces what was sent', async () => {
    const ctx = operaContext(fake, { settings: { aheadDays: 0 } });
    const window = { from: '2026-03-15T00:00:00Z', to: '2026-03-15T01:00:00Z' };
    const amsOf = async () => (await opera.pull(ctx, window)).batches.find((b) => b.sourceType === 'ams')!.records;
    const fbOn = (records: Array<Record<string, unknown>>) => records.find((r) => r.id === 'opera:HOTEL1:ams:2026-03-10:FB')!.amount as number;
    const before = fbOn(await amsOf());

    // Five days after the fact the restaurant voids 42.50 on the 10th, and the night audit lowers that day's rooms sold.
    fake.dataset.post('2026-03-10', '2000', -4250);
    fake.dataset.correct('2026-03-10', { roomsSold: 50, roomRevenueCents: 50 * 12_000 });
    const pull = await opera.pull(ctx, window);

    expect(fbOn(pull.batches.find((b) => b.sourceType === 'ams')!.records)).toBeCloseTo(before - 42.5, 2);
    expect(pull.batches.find((b) => b.sourceType === 'pms')!.records.find((r) => r.date === '2026-03-10')).toMatchObject({ id: 'opera:HOTEL1:pms:2026-03-10', roomsSold: 50, roomRevenue: 6000 });
  });
});
