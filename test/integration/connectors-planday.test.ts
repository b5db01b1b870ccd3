import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { connectorHotel, type ConnectorHotel } from './connectors-helpers.js';
import { HOUSEKEEPING, KITCHEN } from '../fakes/vendors/planday/dataset.js';
import { expectedLabour } from '../fakes/vendors/planday/expected.js';
import { CLIENT_ID, REFRESH_TOKEN, startPlandayFake, type PlandayFake } from '../fakes/vendors/planday/server.js';

/**
 * Planday end to end through HTTP on the local host: a pull integration of the `planday` connector
 * against the fake Planday (token endpoint and Open API), a backfill, then R&P's labour hours and cost
 * by department equal what the fake's punch clock records imply (computed here from the fake's UTC
 * instants, not by the labour module); redacting an employee finds the connector's time records.
 */

const host = useTestHost();
const FROM = '2026-03-09';
const TO = '2026-03-31';
let fake: PlandayFake;
let hotel: ConnectorHotel;
let integrationId: string;

const expected = () =>
  expectedLabour(fake.data, { departmentIds: [KITCHEN, HOUSEKEEPING], departmentCode: { [KITCHEN]: 'FB', [HOUSEKEEPING]: 'Housekeeping' }, employeeRates: { 501: 18 }, defaultRate: 14, daily: { after: 8, multiplier: 1.5 } });
const departmentOf = (code: string) => (code === 'FB' ? hotel.departments.FB : hotel.departments.ROOMS);

/** R&P by day: per department id and date, productive hours and labour cost. */
async function labourByDepartmentDay(from: string, to: string): Promise<Map<string, { hours: number; cost: number }>> {
  const res = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${hotel.propertyId}&from=${from}&to=${to}&granularity=day&compare=`, { token: hotel.owner });
  expect(res.status).toBe(200);
  const out = new Map<string, { hours: number; cost: number }>();
  for (const period of res.json.properties[0].periods as Array<{ key: string; departments: Array<{ departmentId: string; actual: { productiveHours: number; labourCost?: number } }> }>)
    for (const d of period.departments) if (d.actual.productiveHours) out.set(`${d.departmentId}|${period.key}`, { hours: d.actual.productiveHours, cost: d.actual.labourCost ?? NaN });
  return out;
}

beforeAll(async () => {
  fake = await startPlandayFake();
  hotel = await connectorHotel(host);
  const created = await host.request('POST', '/api/v1/integrations', {
    token: hotel.owner,
    body: {
      kind: 'pull',
      connector: 'planday',
      propertyId: hotel.propertyId,
      name: 'Planday',
      settings: { apiBaseUrl: fake.url, tokenUrl: fake.tokenUrl, departmentIds: [KITCHEN, HOUSEKEEPING], departments: { [String(KITCHEN)]: 'FB' }, overtime: { daily: [{ after: 8, multiplier: 1.5 }] }, rates: { byEmployee: { '501': 18 }, default: 14 } },
      credentials: { clientId: CLIENT_ID, refreshToken: REFRESH_TOKEN },
      mappings: { departments: { FB: hotel.departments.FB, Housekeeping: hotel.departments.ROOMS }, accounts: {} },
    },
  });
  expect(created.status).toBe(201);
  integrationId = created.json.id;
  expect(created.text).not.toContain(REFRESH_TOKEN);
  const asked = await host.request('POST', `/api/v1/integrations/${integrationId}/backfill`, { token: hotel.owner, body: { from: FROM, to: TO } });
  expect(asked.status).toBe(202);
  await host.app.broker?.idle();
});

afterAll(() => fake.close());

describe('Planday through HTTP', () => {
  it('backfills clean and R&P shows labour hours and cost by department as the punch clock records imply', async () => {
    expect(fake.violations).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${integrationId}/status`, { token: hotel.owner });
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    const want = new Map([...expected()].map(([k, v]) => { const [code, date] = k.split('|') as [string, string]; return [`${departmentOf(code)}|${date}`, v]; }));
    // Kitchen 10 March, 8.5 h with 0.5 h at ×1.5; the DST night on the 28th is 7 h.
    expect(want.get(`${hotel.departments.FB}|2026-03-10`)).toEqual({ hours: 8.5, cost: 157.5 });
    expect(want.get(`${hotel.departments.FB}|2026-03-28`)).toEqual({ hours: 7, cost: 126 });
    expect(await labourByDepartmentDay(FROM, TO)).toEqual(want);
  });

  it('redacting an employee finds their Planday time records', async () => {
    const asked = await host.request('POST', '/api/v1/data-subjects/redaction', { token: hotel.owner, body: { employeeNumber: 'E-502', reason: 'Art. 17 request', requestedBy: 'HR ticket 18' } });
    expect(asked.status).toBe(202);
    await host.app.broker?.idle();
    const job = await host.request('GET', `/api/v1/redaction-jobs/${asked.json.jobId}`, { token: hotel.owner });
    expect(job.json).toMatchObject({ status: 'completed', subjectKind: 'employee', counts: { keysShredded: 1, timeRecordsUnlinked: 2 } });
  });
});
