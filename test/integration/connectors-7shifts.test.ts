import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { byDepartmentId as byDepartmentIdOf, connectorHotel, labourByDepartmentDay as labourByDepartmentDayOf, type ConnectorHotel } from './connectors-helpers.js';
import { COMPANY_ID, HOUSEKEEPING, KITCHEN, LOCATION_ID } from '../fakes/vendors/7shifts/dataset.js';
import { expectedLabour, expectedSchedule } from '../fakes/vendors/7shifts/expected.js';
import { ACCESS_TOKEN, COMPANY_GUID, startSevenShiftsFake, type SevenShiftsFake } from '../fakes/vendors/7shifts/server.js';

/**
 * 7shifts end to end through HTTP on the local host: a vendor-push integration of the `7shifts`
 * connector against the fake API, a backfill, then R&P's labour hours and cost by department equal
 * what the fake's punches imply (computed here from the fake's objects, not by the labour module);
 * a signed `time_punch.edited` webhook updates its day; the labour forecast's scheduled hours equal
 * what the fake's published shifts imply, and a signed `schedule.published` webhook brings a changed
 * week in; redacting an employee finds the connector's time records as it finds any.
 */

const host = useTestHost();
const FROM = '2026-03-09';
const TO = '2026-03-31';
let fake: SevenShiftsFake;
let hotel: ConnectorHotel;
let integrationId: string;

const codes = { [KITCHEN]: 'FB', [HOUSEKEEPING]: 'Housekeeping' };
const expected = () => expectedLabour(fake.data, { timeZone: 'Europe/Vienna', locationId: LOCATION_ID, departmentCode: codes, roleRates: { 92: 14 }, daily: { after: 8, multiplier: 1.5 } });
const departmentOf = (code: string) => (code === 'FB' ? hotel.departments.FB : hotel.departments.ROOMS);

const labourByDepartmentDay = (from: string, to: string) => labourByDepartmentDayOf(host, hotel.owner, hotel.propertyId, from, to);
const byDepartmentId = (m: Map<string, { hours: number; cost: number }>) => byDepartmentIdOf(m, departmentOf);

beforeAll(async () => {
  fake = await startSevenShiftsFake();
  hotel = await connectorHotel(host);
  const created = await host.request('POST', '/api/v1/integrations', {
    token: hotel.owner,
    body: {
      kind: 'vendor-push',
      connector: '7shifts',
      propertyId: hotel.propertyId,
      name: '7shifts',
      settings: { apiBaseUrl: fake.url, companyId: COMPANY_ID, locationIds: [LOCATION_ID], departments: { [String(KITCHEN)]: 'FB' }, overtime: { daily: [{ after: 8, multiplier: 1.5 }] }, rates: { byRole: { '92': 14 } } },
      credentials: { accessToken: ACCESS_TOKEN, companyGuid: COMPANY_GUID },
      mappings: { departments: { FB: hotel.departments.FB, Housekeeping: hotel.departments.ROOMS }, accounts: {} },
    },
  });
  expect(created.status).toBe(201);
  integrationId = created.json.id;
  expect(created.text).not.toContain(ACCESS_TOKEN);
  expect(created.text).not.toContain(COMPANY_GUID);
  const asked = await host.request('POST', `/api/v1/integrations/${integrationId}/backfill`, { token: hotel.owner, body: { from: FROM, to: TO } });
  expect(asked.status).toBe(202);
  await host.app.broker?.idle();
});

afterAll(() => fake.close());

describe('7shifts through HTTP', () => {
  it('backfills clean and R&P shows labour hours and cost by department as the punches imply', async () => {
    expect(fake.violations).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${integrationId}/status`, { token: hotel.owner });
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    const want = byDepartmentId(expected());
    // Kitchen 10 March, 8.5 h with 0.5 h at ×1.5; the midnight shift on the 11th; the DST night on the 28th.
    expect(want.get(`${hotel.departments.FB}|2026-03-10`)).toEqual({ hours: 8.5, cost: 157.5 });
    expect(want.get(`${hotel.departments.FB}|2026-03-28`)).toEqual({ hours: 7, cost: 126 });
    expect(await labourByDepartmentDay(FROM, TO)).toEqual(want);
  });

  it('a signed time_punch.edited webhook updates its day; a wrong signature is refused', async () => {
    fake.edit(1003, { clocked_out: '2026-03-10T13:00:00+00:00' });
    const signed = fake.webhook('time_punch.edited', 1003);
    const forged = fake.webhook('time_punch.edited', 1003, { guid: 'not-the-company-guid' });
    const refused = await host.request('POST', `/api/v1/connectors/7shifts/push/${integrationId}`, { rawBody: forged.body, headers: forged.headers });
    expect(refused.status).toBe(401);
    const pushed = await host.request('POST', `/api/v1/connectors/7shifts/push/${integrationId}`, { rawBody: signed.body, headers: signed.headers });
    expect(pushed.status).toBe(202);
    await host.app.broker?.idle();
    const day = await labourByDepartmentDay('2026-03-10', '2026-03-10');
    expect(day.get(`${hotel.departments.ROOMS}|2026-03-10`)).toEqual({ hours: 6, cost: 84 });
    expect(await labourByDepartmentDay(FROM, TO)).toEqual(byDepartmentId(expected()));
    expect(fake.violations).toEqual([]);
  });

  it("the labour forecast compares with the published shifts the connector read; schedule.published brings a week's changes", async () => {
    const scheduled = async () => {
      const res = await host.request('GET', `/api/v1/planning/labour-forecast?propertyId=${hotel.propertyId}&from=2026-03-09&weeks=1`, { token: hotel.owner });
      expect(res.status).toBe(200);
      const out = new Map<string, number>();
      for (const d of res.json.departments as Array<{ departmentId: string; days: Array<{ date: string; scheduledHours: number; requiredHours: number; variance: number }> }>)
        for (const day of d.days) {
          expect(day.variance).toBe(Math.round((day.requiredHours - day.scheduledHours) * 100) / 100);
          if (day.scheduledHours !== 0) out.set(`${d.departmentId}|${day.date}`, day.scheduledHours);
        }
      return { out, meta: res.json.scheduledHours };
    };
    const want = () => new Map([...expectedSchedule(fake.data, { timeZone: 'Europe/Vienna', locationId: LOCATION_ID, departmentCode: codes })].map(([k, v]) => { const [code, date] = k.split('|'); return [`${departmentOf(code!)}|${date}`, v]; }));
    const before = await scheduled();
    expect(before.meta).toEqual({ available: true, integrations: [{ id: integrationId, name: '7shifts' }], reason: null });
    expect(before.out).toEqual(want());
    expect(before.out.get(`${hotel.departments.FB}|2026-03-11`)).toBe(8.5);
    // The manager moves a shift and adds one, then publishes the week.
    fake.editShift(2003, { end: '2026-03-10T13:00:00Z' });
    fake.editShift(2010, { user_id: 501, department_id: KITCHEN, role_id: 91, start: '2026-03-14T08:00:00Z', end: '2026-03-14T12:00:00Z', deleted: false, open: false, draft: false, location_id: LOCATION_ID });
    const published = fake.schedulePublished(LOCATION_ID, '2026-03-09', '2026-03-15');
    const pushed = await host.request('POST', `/api/v1/connectors/7shifts/push/${integrationId}`, { rawBody: published.body, headers: published.headers });
    expect(pushed.status).toBe(202);
    await host.app.broker?.idle();
    const after = await scheduled();
    expect(after.out).toEqual(want());
    expect(after.out.get(`${hotel.departments.ROOMS}|2026-03-10`)).toBe(6);
    expect(after.out.get(`${hotel.departments.FB}|2026-03-14`)).toBe(4);
    expect(fake.violations).toEqual([]);
  });

  it('redacting an employee finds their 7shifts time records and scheduled shifts', async () => {
    const asked = await host.request('POST', '/api/v1/data-subjects/redaction', { token: hotel.owner, body: { employeeNumber: 'E-502', reason: 'Art. 17 request', requestedBy: 'HR ticket 7' } });
    expect(asked.status).toBe(202);
    await host.app.broker?.idle();
    const job = await host.request('GET', `/api/v1/redaction-jobs/${asked.json.jobId}`, { token: hotel.owner });
    // E-502: one completed punch (1003) and two published shifts (2003, 2005), each a fact under their key.
    expect(job.json).toMatchObject({ status: 'completed', subjectKind: 'employee', counts: { keysShredded: 1, timeRecordsUnlinked: 3 } });
  });
});
