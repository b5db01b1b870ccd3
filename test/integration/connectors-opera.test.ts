import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { connectorHotel, profitLossLines } from './connectors-helpers.js';
import { addDays } from '../../shared/reporting/periods.js';
import { localDateHour } from '../../shared/integrations/properties.js';
import { TRANSACTION_CODES } from '../fakes/vendors/opera/dataset.js';
import { APP_KEY, CLIENT_ID, CLIENT_SECRET, EXTERNAL_SYSTEM, startFakeOhip, type FakeOhip } from '../fakes/vendors/opera/server.js';

/**
 * OPERA Cloud end to end through HTTP on the local host: a pull integration of the `opera-cloud`
 * connector against the fake OHIP gateway, a backfill, then R&P and P&L show what the fake hotel's
 * data implies — computed here from the fake's own figures, not from the connector's mapping.
 */

const host = useTestHost();
let fake: FakeOhip;
let owner: string;
let propertyId: string;
let integrationId: string;
/** The whole previous calendar month of the property: past, so actuals, and postings exist. */
let month: { from: string; to: string };

beforeAll(async () => {
  // The first seeded property is in Vienna: the fake hotel's business day follows it.
  const today = localDateHour(new Date(), 'Europe/Vienna').date;
  const firstOfThisMonth = `${today.slice(0, 7)}-01`;
  const to = addDays(firstOfThisMonth, -1);
  month = { from: `${to.slice(0, 7)}-01`, to };
  fake = await startFakeOhip({ today });
  const hotel = await connectorHotel(host);
  owner = hotel.owner;
  propertyId = hotel.propertyId;
  const created = await host.request('POST', '/api/v1/integrations', {
    token: owner,
    body: {
      kind: 'pull',
      connector: 'opera-cloud',
      propertyId,
      name: 'OPERA Cloud',
      // OPERA's ROOM group goes to our ROOMS code through the connector's mapping; FB and SPA keep their group code.
      settings: { gatewayUrl: fake.baseUrl, hotelId: 'HOTEL1', externalSystemCode: EXTERNAL_SYSTEM, departments: { ROOM: 'ROOMS' } },
      credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appKey: APP_KEY },
      mappings: { departments: hotel.departments, accounts: { REVENUE: 'revenue' } },
    },
  });
  expect(created.status).toBe(201);
  integrationId = created.json.id;
  expect(JSON.stringify(created.json)).not.toContain(CLIENT_SECRET);

  const asked = await host.request('POST', `/api/v1/integrations/${integrationId}/backfill`, { token: owner, body: { from: month.from, to: addDays(today, 20) } });
  expect(asked.status).toBe(202);
  await host.app.broker?.idle();
});

afterAll(() => fake.stop());

/** What the fake hotel's data implies for the month, summed here from its figures and postings. */
function expected() {
  let roomsSold = 0;
  let roomsAvailable = 0;
  let roomRevenueCents = 0;
  const byGroup: Record<string, number> = {};
  for (let d = month.from; d <= month.to; d = addDays(d, 1)) {
    const day = fake.dataset.day(d);
    roomsSold += day.roomsSold;
    roomsAvailable += day.physicalRooms;
    roomRevenueCents += day.roomRevenueCents;
    for (const p of fake.dataset.postingsOf(d)) {
      const code = TRANSACTION_CODES.find((c) => c.transactionCode === p.transactionCode)!;
      if (code.type === 'Revenue') byGroup[code.transactionGroup] = (byGroup[code.transactionGroup] ?? 0) + p.amountCents;
    }
  }
  return { roomsSold, roomsAvailable, roomRevenue: roomRevenueCents / 100, fb: (byGroup.FB ?? 0) / 100, spa: (byGroup.SPA ?? 0) / 100 };
}

describe('OPERA Cloud through HTTP', () => {
  it('the backfill ran clean against the specs', async () => {
    expect(fake.violations).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${integrationId}/status`, { token: owner });
    expect(status.status).toBe(200);
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    expect(status.json.recordsRead).toBeGreaterThan(0);
  });

  it('R&P shows the month’s rooms sold', async () => {
    const res = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${propertyId}&from=${month.from}&to=${month.to}&granularity=month&compare=`, { token: owner });
    expect(res.status).toBe(200);
    const e = expected();
    expect(res.json.properties[0].total.total.actual.roomsSold).toBe(e.roomsSold);
  });

  it('P&L shows the statistics and the revenue by department the postings imply', async () => {
    const lines = await profitLossLines(host, owner, propertyId, month.from, month.to);
    const e = expected();
    expect(lines.get('stats.roomsSold')?.actual).toBe(e.roomsSold);
    expect(lines.get('stats.roomsAvailable')?.actual).toBe(e.roomsAvailable);
    // Rooms revenue is the PMS room revenue once: OPERA's room revenue codes are not posted again as AMS lines.
    expect(lines.get('revenue.rooms')?.actual).toBeCloseTo(e.roomRevenue, 2);
    expect(lines.get('revenue.foodAndBeverage')?.actual).toBeCloseTo(e.fb, 2);
    expect(lines.get('revenue.otherOperated')?.actual).toBeCloseTo(e.spa, 2);
  });

  it('a late correction in OPERA reaches the P&L with the next pull (recent dates are re-read)', async () => {
    const today = fake.dataset.today;
    const day = addDays(today, -2);
    const lines = () => profitLossLines(host, owner, propertyId, day, day);
    const before = await lines();
    fake.dataset.post(day, '3000', -2_500);
    fake.dataset.correct(day, { roomsSold: 40 });

    // OHIP REST has no change feed (capabilities.changeFeed false): run-now runs even though the
    // last pull just ended, and the connector re-reads the week before its window.
    const ran = await host.request('POST', `/api/v1/integrations/${integrationId}/runs`, { token: owner });
    expect(ran.status).toBe(202);
    await host.app.broker?.idle();

    const after = await lines();
    expect(after.get('stats.roomsSold')?.actual).toBe(40);
    expect(after.get('revenue.otherOperated')?.actual).toBeCloseTo((before.get('revenue.otherOperated')?.actual ?? 0) - 25, 2);
    expect(fake.violations).toEqual([]);
  });
});
