import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { connectorHotel, departmentMonth } from './connectors-helpers.js';
import { LOC, RVC_BAR, RVC_RESTAURANT, type Json } from '../fakes/vendors/simphony/dataset.js';
import { startSimphonyFake, type SimphonyFake } from '../fakes/vendors/simphony/server.js';

/**
 * Oracle Simphony end to end through HTTP on the local host: a pull integration of the `simphony`
 * connector against the fake BI API, a backfill through the API of dates long closed, then R&P shows
 * the F&B revenue and covers of the fake's operations daily totals (closed dates come from the daily
 * totals, not the guest checks).
 */

const host = useTestHost();
const ORG = 'E2EORG';
const CREDENTIALS = { clientId: 'simphony-e2e-client', username: 'simphony-e2e-user', password: 'simphony-e2e-password' };
const MONTH = { from: '2026-03-01', to: '2026-03-31' };
/** The fake's daily totals of HOTEL1, every revenue center (all three map to F&B); the other location's are not this property's. */
function expectedFromTotals(fake: SimphonyFake): { revenue: number; covers: number } {
  const centers = fake.totals.filter((t) => t.locRef === LOC).flatMap((t) => t.revenueCenters as Json[]);
  return { revenue: centers.reduce((s, r) => s + (r.netSlsTtl as number), 0), covers: centers.reduce((s, r) => s + (r.gstCnt as number), 0) };
}
/** The same month from the fake's guest checks (dataset.ts), which the records must not be: 120.50 + 30 + 44.40 + 800 + 15.25 + 42 + 10 + 18.50. */
const FROM_CHECKS = 1080.65;
let fake: SimphonyFake;
let owner: string;
let propertyId: string;
let fb: string;
let pullId: string;

beforeAll(async () => {
  fake = await startSimphonyFake({ org: ORG, ...CREDENTIALS });
  const hotel = await connectorHotel(host);
  owner = hotel.owner;
  propertyId = hotel.propertyId;
  fb = hotel.departments.FB;
  const pull = await host.request('POST', '/api/v1/integrations', {
    token: owner,
    body: {
      connector: 'simphony',
      propertyId,
      kind: 'pull',
      name: 'Simphony',
      settings: { baseUrl: fake.url, orgShortName: ORG, locations: [{ locRef: LOC, outlet: 'BANQ', byRevenueCenter: { [RVC_RESTAURANT]: 'REST', [RVC_BAR]: 'BAR' } }] },
      credentials: CREDENTIALS,
      mappings: { departments: { REST: fb, BAR: fb, BANQ: fb } },
    },
  });
  expect(pull.status).toBe(201);
  pullId = pull.json.id;
  expect(JSON.stringify(pull.json)).not.toContain(CREDENTIALS.password);
  const asked = await host.request('POST', `/api/v1/integrations/${pullId}/backfill`, { token: owner, body: { from: '2026-03-12', to: '2026-03-15' } });
  expect(asked.status).toBe(202);
  await host.app.broker?.idle();
});

afterAll(() => fake.close());

describe('Oracle Simphony through HTTP', () => {
  it('lists Simphony in the connector catalogue', async () => {
    const res = await host.request('GET', '/api/v1/connectors', { token: owner });
    expect(res.status).toBe(200);
    expect(res.json.items.find((c: { id: string }) => c.id === 'simphony')).toMatchObject({ sourceTypes: ['pos'], capabilities: { pull: true, push: false } });
  });

  it('backfilled with valid requests only; R&P F&B revenue and covers equal the fake’s daily totals', async () => {
    expect(fake.violations).toEqual([]);
    expect(fake.requests.filter((r) => r.path.endsWith('/getGuestChecks'))).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${pullId}/status`, { token: owner });
    expect(status.status).toBe(200);
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    const actual = await departmentMonth(host, owner, propertyId, fb, MONTH);
    const expected = expectedFromTotals(fake);
    expect(expected.revenue).not.toBeCloseTo(FROM_CHECKS, 2);
    expect(actual.revenue).toBeCloseTo(expected.revenue, 2);
    expect(actual.covers).toBe(expected.covers);
  });
});
