import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, sendAndWait } from './integrations-helpers.js';
import { addDays, localDateTime } from '../../shared/reporting/periods.js';
import { weekdayOf, WEEKDAYS } from '../../shared/planning/labour-standards.js';
import type { ChainEntry } from '../../shared/audit/chain.js';

/*
 * Property p0 ("North Hotel", Vienna; ROOMS roomsSold 0.5 h/room, FB covers 0.3 h/cover, SPA revenue
 * 0.01 h/€, SALES none). The forecast starts tomorrow (Vienna), d1 = tomorrow, d2 = the day after:
 *   PMS on the books d1: 80 rooms sold                     RMS forecast d1: 90 rooms, d2: 60 rooms
 *   Reservations FB d1: 20 + 30 covers held, one of 10 cancelled      AMS forecast SPA d1: €2,000
 *   TMS actuals 3 days ago: ROOMS 40 h for €840 (€21/h); FB 30 + 2 h for €800 (€25/h)
 *   Fixed hours: ROOMS 8 h every day; FB 6 h on d2's weekday; SALES 7.5 h every day
 * Expected: ROOMS d1 80 × 0.5 + 8 = 48 h (on the books, not the forecast's 90) → €1,008; d2 60 × 0.5 + 8 = 38 h
 * (forecast) → €798; d3 8 h (no volume). FB d1 50 × 0.3 = 15 h → €375; d2 6 h. SPA d1 2,000 × 0.01 = 20 h, no
 * wage rate (no actuals) → cost null. SALES 7.5 h each day.
 */

const host = useTestHost();
let t: SeededTenant;
let other: SeededTenant;
let owner: string;
let p0: string;
let p1: string;
let rooms: string;
let fb: string;
let spa: string;
let sales: string;
let d1: string;
let d2: string;
let noPayroll: SeededUser;
let elsewhere: SeededUser;

const forecast = (token: string, query: string) => host.request('GET', `/api/v1/planning/labour-forecast?${query}`, { token });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const dept = (body: any, id: string) => body.departments.find((d: { departmentId: string }) => d.departmentId === id);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const dayOf = (row: any, date: string) => row.days.find((d: { date: string }) => d.date === date);
const every = (hours: number) => Object.fromEntries(WEEKDAYS.map((w) => [w, hours]));

beforeAll(async () => {
  t = await seedTenant(host);
  other = await seedTenant(host);
  owner = t.users.owner.token;
  [p0, p1] = t.propertyIds as [string, string];
  [rooms, fb] = t.departmentIds[p0] as [string, string];
  const addDept = async (body: Record<string, unknown>) => {
    const res = await host.request('POST', `/api/v1/properties/${p0}/departments`, { token: owner, body });
    if (res.status !== 201) throw new Error(`department: ${res.status} ${res.text}`);
    return res.json.id as string;
  };
  spa = await addDept({ code: 'SPA', name: 'Spa', usaliDepartment: 'other_operated', driver: 'revenue', standardHoursPerUnit: 0.01 });
  sales = await addDept({ code: 'SALES', name: 'Sales', usaliDepartment: 'sales_marketing', driver: 'none', standardHoursPerUnit: null });
  const today = localDateTime(new Date(), 'Europe/Vienna').date;
  d1 = addDays(today, 1);
  d2 = addDays(today, 2);
  const admin = t.users.admin.token;
  const integration = (sourceType: string, extra: Record<string, unknown> = {}) => createIntegration(host, admin, { propertyId: p0, sourceType, ...extra });
  await sendAndWait(host, admin, await integration('pms'), { records: [{ id: 'OTB-1', date: d1, kind: 'onTheBooks', roomsAvailable: 100, roomsSold: 80, roomRevenue: 12000 }] });
  await sendAndWait(host, admin, await integration('rms'), {
    records: [
      { id: 'F-1', date: d1, rooms: 90, adr: 150 },
      { id: 'F-2', date: d2, rooms: 60, adr: 150 },
    ],
  });
  await sendAndWait(host, admin, await integration('frs'), {
    records: [
      { id: 'R1', date: d1, outlet: 'FB', covers: 20, status: 'confirmed' },
      { id: 'R2', date: d1, outlet: 'FB', covers: 30, status: 'confirmed' },
      { id: 'R3', date: d1, outlet: 'FB', covers: 10, status: 'cancelled' },
    ],
  });
  await sendAndWait(host, admin, await integration('ams', { mappings: { departments: {}, accounts: { '4300': 'revenue' } } }), { records: [{ id: 'S1', date: d1, account: '4300', department: 'SPA', amount: 2000, kind: 'forecast' }] });
  const past = addDays(today, -3);
  await sendAndWait(host, admin, await integration('tms'), {
    records: [
      { id: 'T1', employeeNumber: 'E-1', department: 'ROOMS', date: past, productiveHours: 40, labourCost: 840 },
      { id: 'T2', employeeNumber: 'E-2', department: 'FB', date: past, productiveHours: 30, nonProductiveHours: 2, labourCost: 800 },
    ],
  });
  const standards = await host.request('PUT', `/api/v1/planning/labour-standards/${p0}`, { token: owner, body: { fixedHours: { [rooms]: every(8), [fb]: { [weekdayOf(d2)]: 6 }, [sales]: every(7.5) } } });
  if (standards.status !== 200) throw new Error(`standards: ${standards.status} ${standards.text}`);
  const role = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Planner without payroll', permissions: ['planning.read'] } });
  if (role.status !== 201) throw new Error(`role: ${role.status} ${role.text}`);
  noPayroll = await createUser(host, t.slug, owner, { email: `planner@${t.slug}.example`, roles: [{ roleId: role.json.id, scope: { all: false, propertyIds: [p0] } }] });
  elsewhere = await createUser(host, t.slug, owner, { email: `south@${t.slug}.example`, roles: [{ roleId: role.json.id, scope: { all: false, propertyIds: [p1] } }] });
});

describe('labour forecast over HTTP', () => {
  it('requires volume × standard + fixed hours per department and day, rooms and covers from the books first', async () => {
    const res = await forecast(owner, `propertyId=${p0}&from=${d1}`);
    expect(res.status).toBe(200);
    const body = res.json;
    expect(body).toMatchObject({ from: d1, to: addDays(d1, 41), weeks: 6, payrollVisible: true, currency: 'EUR', scheduledHours: { available: false } });
    expect(body.days).toHaveLength(42);
    expect(dayOf(dept(body, rooms), d1)).toMatchObject({ volume: 80, source: 'onTheBooks', variableHours: 40, fixedHours: 8, requiredHours: 48, scheduledHours: null, variance: null, labourCost: 1008 });
    expect(dayOf(dept(body, rooms), d2)).toMatchObject({ volume: 60, source: 'forecast', requiredHours: 38, labourCost: 798 });
    expect(dayOf(dept(body, rooms), addDays(d1, 2))).toMatchObject({ volume: null, source: 'none', variableHours: null, requiredHours: 8, labourCost: 168 });
    expect(dept(body, rooms).wageRate).toBe(21);
    expect(dayOf(dept(body, fb), d1)).toMatchObject({ volume: 50, source: 'onTheBooks', requiredHours: 15, labourCost: 375 });
    expect(dayOf(dept(body, fb), d2)).toMatchObject({ volume: null, source: 'none', fixedHours: 6, requiredHours: 6, labourCost: 150 });
    expect(dept(body, fb).wageRate).toBe(25);
    expect(dayOf(dept(body, spa), d1)).toMatchObject({ volume: 2000, source: 'forecast', requiredHours: 20, labourCost: null });
    expect(dept(body, spa).wageRate).toBeNull();
    expect(dayOf(dept(body, sales), d1)).toMatchObject({ volume: null, source: 'none', requiredHours: 7.5 });
    // d1 together: 48 + 15 + 20 + 7.5; its cost leaves out SPA, which has no wage rate.
    expect(body.days[0]).toEqual({ date: d1, requiredHours: 90.5, scheduledHours: null, variance: null, labourCost: 1383 });
    const roomsTotal = 48 + 38 + 40 * 8;
    expect(dept(body, rooms).total).toEqual({ requiredHours: roomsTotal, scheduledHours: null, variance: null, labourCost: roomsTotal * 21 });
    // No schedule source for the property yet: scheduled hours are null, not zeros, and the report says why.
    expect(body.scheduledHours).toEqual({ available: false, integrations: [], reason: expect.stringContaining('No schedule source') });
    expect(body.total.requiredHours).toBe(roomsTotal + 15 + 6 * 6 + 20 + 42 * 7.5);
    expect(body.wageRateRange.to).toBe(addDays(d1, -2));
  });

  it("starts tomorrow in the property's time zone by default", async () => {
    const before = addDays(localDateTime(new Date(), 'Europe/Vienna').date, 1);
    const res = await forecast(owner, `propertyId=${p0}&weeks=1`);
    const after = addDays(localDateTime(new Date(), 'Europe/Vienna').date, 1);
    expect(res.status).toBe(200);
    // Read around the request, so a local midnight in between can't fail the check.
    expect([before, after]).toContain(res.json.from);
    expect(res.json.to).toBe(addDays(res.json.from, 6));
  });

  it('leaves labour cost and wage rates out for a planner without payroll.read', async () => {
    const res = await forecast(noPayroll.token, `propertyId=${p0}&from=${d1}&weeks=1`);
    expect(res.status).toBe(200);
    expect(res.json.payrollVisible).toBe(false);
    expect(res.json.wageRateRange).toBeNull();
    expect(res.text).not.toMatch(/"labourCost"|"wageRate"/);
    expect(dayOf(dept(res.json, rooms), d1).requiredHours).toBe(48);
  });

  it('exports CSV, one row per department and day', async () => {
    const res = await forecast(owner, `propertyId=${p0}&from=${d1}&weeks=1&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\r\n');
    expect(lines).toHaveLength(1 + 4 * 7);
    expect(lines[0]).toContain('labour cost (EUR)');
    expect(lines).toContain(`North Hotel,${d1},${weekdayOf(d1)},ROOMS,Rooms,roomsSold,onTheBooks,80,0.5,40,8,48,,,21,1008`);
    const plain = await forecast(noPayroll.token, `propertyId=${p0}&weeks=1&format=csv`);
    expect(plain.text).not.toContain('labour cost');
  });

  it('validates its parameters, naming the field', async () => {
    for (const [query, field] of [
      [`propertyId=${p0}&weeks=27`, 'query.weeks'],
      [`propertyId=${p0}&weeks=0`, 'query.weeks'],
      [`propertyId=${p0}&from=2027-02-30`, 'query.from'],
      [`propertyId=${p0}&format=xlsx`, 'query.format'],
      ['propertyId=all', 'query.propertyId'],
      [`propertyId=${p0}&tenantId=${other.tenantId}`, 'query'],
    ] as const) {
      const res = await forecast(owner, query);
      expect([query, res.status]).toEqual([query, 400]);
      expect(JSON.stringify(res.json.errors)).toContain(field);
    }
  });

  it('keeps to the property scope: 403 outside it, 404 for another tenant, 403 without planning.read', async () => {
    expect((await forecast(elsewhere.token, `propertyId=${p0}`)).status).toBe(403);
    expect((await forecast(elsewhere.token, `propertyId=${p1}&weeks=1`)).status).toBe(200);
    expect((await forecast(other.users.owner.token, `propertyId=${p0}`)).status).toBe(404);
    expect((await forecast(t.users.endUser.token, `propertyId=${p0}`)).status).toBe(403);
  });
});

/*
 * Scheduled shifts pushed through a canonical `schedules` webhook of p0 (Vienna), after the tests above:
 *   S1 E-1 ROOMS d1 07:00–15:30 local, 30 min unpaid → 8 h; re-sent 07:00–16:30 → 9 h (replaces)
 *   S2 E-2 ROOMS d1 22:00 → d2 06:00 local, over midnight → 8 h on d1 (the day it starts)
 *   S3 E-3 FB    d2 10:00Z–16:15Z, 15 min unpaid → 6 h
 *   S4 E-1 FB    d1 08:00–10:00 local → 2 h, then deleted
 * ROOMS d1: scheduled 9 + 8 = 17 of 48 required → variance 31; FB d1 0 of 15 → 15; FB d2 6 of 6 → 0.
 */
describe('scheduled hours from a schedules webhook', () => {
  let integrationId: string;

  beforeAll(async () => {
    const admin = t.users.admin.token;
    const feed = await createIntegration(host, admin, { propertyId: p0, sourceType: 'schedules', name: 'Rota' });
    integrationId = feed.id;
    const shift = (id: string, employeeNumber: string, department: string, start: string, end: string, unpaidBreakMinutes = 0) => ({ id, employeeNumber, department, start, end, unpaidBreakMinutes });
    const first = await sendAndWait(host, admin, feed, {
      records: [
        shift('S1', 'E-1', 'ROOMS', `${d1}T07:00`, `${d1}T15:30`, 30),
        shift('S2', 'E-2', 'ROOMS', `${d1}T22:00`, `${d2}T06:00`),
        shift('S3', 'E-3', 'FB', `${d2}T10:00:00Z`, `${d2}T16:15:00Z`, 15),
        shift('S4', 'E-1', 'FB', `${d1}T08:00`, `${d1}T10:00`),
      ],
    });
    expect(first).toMatchObject({ status: 'accepted', counts: { accepted: 4, upserted: 4 } });
    const second = await sendAndWait(host, admin, feed, { records: [shift('S1', 'E-1', 'ROOMS', `${d1}T07:00`, `${d1}T16:30`, 30), { id: 'S4', deleted: true }] });
    expect(second).toMatchObject({ status: 'accepted', counts: { upserted: 1, deleted: 1 } });
  });

  it('compares required with scheduled hours per department and day, with totals', async () => {
    const res = await forecast(owner, `propertyId=${p0}&from=${d1}&weeks=1`);
    expect(res.status).toBe(200);
    const body = res.json;
    expect(body.scheduledHours).toEqual({ available: true, integrations: [{ id: integrationId, name: 'Rota' }], reason: null });
    expect(dayOf(dept(body, rooms), d1)).toMatchObject({ requiredHours: 48, scheduledHours: 17, variance: 31 });
    expect(dayOf(dept(body, rooms), d2)).toMatchObject({ requiredHours: 38, scheduledHours: 0, variance: 38 });
    expect(dayOf(dept(body, fb), d1)).toMatchObject({ requiredHours: 15, scheduledHours: 0, variance: 15 });
    expect(dayOf(dept(body, fb), d2)).toMatchObject({ requiredHours: 6, scheduledHours: 6, variance: 0 });
    expect(dayOf(dept(body, sales), d1)).toMatchObject({ requiredHours: 7.5, scheduledHours: 0, variance: 7.5 });
    expect(body.days[0]).toMatchObject({ date: d1, requiredHours: 90.5, scheduledHours: 17, variance: 73.5 });
    expect(body.days[1]).toMatchObject({ date: d2, scheduledHours: 6 });
    const roomsRequired = 48 + 38 + 5 * 8;
    expect(dept(body, rooms).total).toMatchObject({ requiredHours: roomsRequired, scheduledHours: 17, variance: roomsRequired - 17 });
    expect(body.total.scheduledHours).toBe(23);
    expect(body.total.variance).toBe(body.total.requiredHours - 23);
    const csv = await forecast(owner, `propertyId=${p0}&from=${d1}&weeks=1&format=csv`);
    expect(csv.text).toContain(`North Hotel,${d1},${weekdayOf(d1)},ROOMS,Rooms,roomsSold,onTheBooks,80,0.5,40,8,48,17,31,21,1008`);
  });

  it('keeps scheduled hours null for a property without a schedule source', async () => {
    const res = await forecast(owner, `propertyId=${p1}&weeks=1`);
    expect(res.status).toBe(200);
    expect(res.json.scheduledHours).toMatchObject({ available: false, integrations: [] });
    expect(res.json.days[0]).toMatchObject({ scheduledHours: null, variance: null });
  });
});

describe('labour standards over HTTP', () => {
  it('reads the saved setting with its ETag, and saves only over the version read', async () => {
    const read = await host.request('GET', `/api/v1/planning/labour-standards/${p0}`, { token: noPayroll.token });
    expect(read.status).toBe(200);
    expect(read.json.fixedHours[rooms]).toEqual(every(8));
    expect(read.json.fixedHours[fb]).toEqual({ ...every(0), [weekdayOf(d2)]: 6 });
    const etag = read.headers.get('etag') as string;
    expect(etag).toMatch(/^".+"$/);
    const body = { fixedHours: { [rooms]: every(9) } };
    const saved = await host.request('PUT', `/api/v1/planning/labour-standards/${p0}`, { token: owner, body, headers: { 'if-match': etag, 'x-correlation-id': 'labour-standards-put-1' } });
    expect(saved.status).toBe(200);
    expect(saved.json.fixedHours).toEqual({ [rooms]: every(9) });
    const stale = await host.request('PUT', `/api/v1/planning/labour-standards/${p0}`, { token: owner, body, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    const after = await forecast(owner, `propertyId=${p0}&from=${d1}&weeks=1`);
    expect(dayOf(dept(after.json, rooms), d1).requiredHours).toBe(49);
    expect(dayOf(dept(after.json, sales), d1).requiredHours).toBe(0);
    await host.app.broker?.idle();
    const entries = await host.app.store
      .collection<ChainEntry>('audit', t.tenantId)
      .all<ChainEntry>("SELECT * FROM c WHERE c.type = 'auditEntry' AND c.payload.correlationId = @c", { c: 'labour-standards-put-1' });
    expect(entries.map((e) => [e.action, e.targetType, e.targetId])).toEqual([['planning.labour_standards_changed', 'property', p0]]);
  });

  it('refuses departments of another property, writers without planning.approve, and other tenants', async () => {
    const foreign = await host.request('PUT', `/api/v1/planning/labour-standards/${p0}`, { token: owner, body: { fixedHours: { [t.departmentIds[p1]![0]!]: every(1) } } });
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(foreign.json.errors)).toContain(`body.fixedHours.${t.departmentIds[p1]![0]}`);
    const negative = await host.request('PUT', `/api/v1/planning/labour-standards/${p0}`, { token: owner, body: { fixedHours: { [rooms]: { mon: -1 } } } });
    expect(negative.status).toBe(400);
    expect(JSON.stringify(negative.json.errors)).toContain(`body.fixedHours.${rooms}.mon`);
    expect((await host.request('PUT', `/api/v1/planning/labour-standards/${p0}`, { token: noPayroll.token, body: { fixedHours: {} } })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/planning/labour-standards/${p0}`, { token: other.users.owner.token })).status).toBe(404);
    expect((await host.request('PUT', `/api/v1/planning/labour-standards/${p0}`, { token: other.users.owner.token, body: { fixedHours: {} } })).status).toBe(404);
    expect((await host.request('GET', `/api/v1/planning/labour-standards/${p0}`, { token: elsewhere.token })).status).toBe(403);
  });
});
