import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { byDepartmentId as byDepartmentIdOf, connectorHotel, labourByDepartmentDay as labourByDepartmentDayOf, type ConnectorHotel } from './connectors-helpers.js';
import { expectedLabour, expectedLeave, HOTEL, HOUSEKEEPING, KITCHEN } from '../fakes/vendors/deputy/dataset.js';
import { ACCESS_TOKEN, startDeputyFake, WEBHOOK_TOKEN, type DeputyFake } from '../fakes/vendors/deputy/server.js';

/**
 * Deputy end to end through HTTP on the local host: a vendor-push integration of the `deputy`
 * connector against the fake install, a backfill, then R&P's labour hours and cost by department
 * equal what the fake's timesheets imply (computed here from the fake's objects, not by the labour
 * module); paid leave (leave timesheets of a paid leave rule) shows as non-productive hours and its
 * cost, unpaid leave as nothing; a `Timesheet.Update` webhook with the URL token updates its day, one
 * without is refused.
 */

const host = useTestHost();
const FROM = '2026-03-09';
const TO = '2026-03-31';
let fake: DeputyFake;
let hotel: ConnectorHotel;
let integrationId: string;

const codes = { [KITCHEN]: 'FB', [HOUSEKEEPING]: 'Housekeeping' };
const expected = () => expectedLabour(fake.data, { areas: [KITCHEN, HOUSEKEEPING], departmentCode: codes, areaRates: { [HOUSEKEEPING]: 14 }, daily: { after: 8, multiplier: 1.5 } });
const departmentOf = (code: string) => (code === 'FB' ? hotel.departments.FB : hotel.departments.ROOMS);

const labourByDepartmentDay = (from: string, to: string) => labourByDepartmentDayOf(host, hotel.owner, hotel.propertyId, from, to);
const byDepartmentId = (m: Map<string, { hours: number; cost: number }>) => byDepartmentIdOf(m, departmentOf);

beforeAll(async () => {
  fake = await startDeputyFake();
  hotel = await connectorHotel(host);
  const created = await host.request('POST', '/api/v1/integrations', {
    token: hotel.owner,
    body: {
      kind: 'vendor-push',
      connector: 'deputy',
      propertyId: hotel.propertyId,
      name: 'Deputy',
      settings: { installUrl: fake.url, locationIds: [HOTEL], departments: { [String(KITCHEN)]: 'FB' }, overtime: { daily: [{ after: 8, multiplier: 1.5 }] }, rates: { byRole: { [String(HOUSEKEEPING)]: 14 } } },
      credentials: { accessToken: ACCESS_TOKEN, webhookToken: WEBHOOK_TOKEN },
      mappings: { departments: { FB: hotel.departments.FB, Housekeeping: hotel.departments.ROOMS }, accounts: {} },
    },
  });
  expect(created.status).toBe(201);
  integrationId = created.json.id;
  expect(created.text).not.toContain(ACCESS_TOKEN);
  expect(created.text).not.toContain(WEBHOOK_TOKEN);
  const asked = await host.request('POST', `/api/v1/integrations/${integrationId}/backfill`, { token: hotel.owner, body: { from: FROM, to: TO } });
  expect(asked.status).toBe(202);
  await host.app.broker?.idle();
});

afterAll(() => fake.close());

describe('Deputy through HTTP', () => {
  it('backfills clean and R&P shows labour hours and cost by department as the timesheets imply', async () => {
    expect(fake.violations).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${integrationId}/status`, { token: hotel.owner });
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    const want = byDepartmentId(expected());
    expect(want.get(`${hotel.departments.FB}|2026-03-10`)).toEqual({ hours: 8.5, cost: 157.5 });
    expect(want.get(`${hotel.departments.FB}|2026-03-28`)).toEqual({ hours: 7, cost: 126 });
    expect(await labourByDepartmentDay(FROM, TO)).toEqual(want);
  });

  it('shows paid leave as non-productive hours with its cost, unpaid leave as nothing', async () => {
    const res = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${hotel.propertyId}&from=2026-03-16&to=2026-03-18&granularity=day&compare=`, { token: hotel.owner });
    expect(res.status).toBe(200);
    const shown = new Map<string, { hours: number; cost: number }>();
    for (const period of res.json.properties[0].periods as Array<{ key: string; departments: Array<{ departmentId: string; actual: { productiveHours: number; nonProductiveHours: number; labourCost?: number } }> }>)
      for (const d of period.departments) if (d.actual.nonProductiveHours || d.actual.labourCost) shown.set(`${d.departmentId}|${period.key}`, { hours: d.actual.nonProductiveHours, cost: d.actual.labourCost ?? NaN });
    const want = byDepartmentId(expectedLeave(fake.data, { areas: [KITCHEN, HOUSEKEEPING], departmentCode: codes, areaRates: { [HOUSEKEEPING]: 14 } }));
    expect(want.get(`${hotel.departments.ROOMS}|2026-03-16`)).toEqual({ hours: 8, cost: 112 });
    // The kitchen's unpaid leave on the 17th shows nothing.
    expect(shown).toEqual(want);
  });

  it('a Timesheet.Update webhook with the URL token updates its day; without it the push is refused', async () => {
    fake.edit(1003, { EndTime: Date.parse('2026-03-10T13:00:00Z') / 1000, TotalTime: 6 });
    const body = fake.webhook('Timesheet.Update', 1003);
    const headers = { 'content-type': 'application/json' };
    const refused = await host.request('POST', `/api/v1/connectors/deputy/push/${integrationId}?token=not-the-token`, { rawBody: body, headers });
    expect(refused.status).toBe(401);
    const pushed = await host.request('POST', `/api/v1/connectors/deputy/push/${integrationId}?token=${WEBHOOK_TOKEN}`, { rawBody: body, headers });
    expect(pushed.status).toBe(202);
    await host.app.broker?.idle();
    const day = await labourByDepartmentDay('2026-03-10', '2026-03-10');
    expect(day.get(`${hotel.departments.ROOMS}|2026-03-10`)).toEqual({ hours: 6, cost: 84 });
    expect(await labourByDepartmentDay(FROM, TO)).toEqual(byDepartmentId(expected()));
    expect(fake.violations).toEqual([]);
  });
});
