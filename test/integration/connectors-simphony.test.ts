import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { connectorHotel, departmentMonth } from './connectors-helpers.js';
import { LOC, RVC_BAR, RVC_RESTAURANT } from '../fakes/vendors/simphony/dataset.js';
import { startSimphonyFake, type SimphonyFake } from '../fakes/vendors/simphony/server.js';

/**
 * Oracle Simphony end to end through HTTP on the local host: a pull integration of the `simphony`
 * connector against the fake BI API, a backfill through the API, then R&P shows the F&B revenue and
 * covers of the fake's guest checks.
 */

const host = useTestHost();
const ORG = 'E2EORG';
const CREDENTIALS = { clientId: 'simphony-e2e-client', username: 'simphony-e2e-user', password: 'simphony-e2e-password' };
const MONTH = { from: '2026-03-01', to: '2026-03-31' };
/**
 * The fake's checks of HOTEL1 in March, read off test/fakes/vendors/simphony/dataset.ts: 120.50 +
 * 30 + 44.40 + 800 + 15.25 (the open check counts, the check voided whole does not); covers 4 + 1 +
 * 3 + 40 + 1. The other location's check is not this property's.
 */
const EXPECTED = { revenue: 1010.15, covers: 49 };
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

  it('backfilled with valid requests only; R&P F&B revenue and covers equal the fake’s checks', async () => {
    expect(fake.violations).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${pullId}/status`, { token: owner });
    expect(status.status).toBe(200);
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    const actual = await departmentMonth(host, owner, propertyId, fb, MONTH);
    expect(actual.revenue).toBeCloseTo(EXPECTED.revenue, 2);
    expect(actual.covers).toBe(EXPECTED.covers);
  });
});
