import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { deputy } from '../../../shared/connectors/vendors/deputy/index.js';
import { timeRecords } from '../../../shared/connectors/vendors/deputy/mapping.js';
import { queryAnswer, timesheet, webhookBody } from '../../../shared/connectors/vendors/deputy/schemas.js';
import { deputySettings, type DeputyCredentials, type DeputySettings } from '../../../shared/connectors/vendors/deputy/settings.js';
import { tms } from '../../../shared/integrations/formats/tms/index.js';
import { expectedLabour, expectedLeave, HOTEL, HOUSEKEEPING, KITCHEN } from '../../fakes/vendors/deputy/dataset.js';
import type { PullResult } from '../../../shared/connectors/connector.js';
import { byDepartmentDay, labourContext } from '../../support/labour-results.js';
import { ACCESS_TOKEN, startDeputyFake, WEBHOOK_TOKEN, type DeputyFake } from '../../fakes/vendors/deputy/server.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/vendors/deputy/${name}`, import.meta.url), 'utf8'));
const credentials: DeputyCredentials = { accessToken: ACCESS_TOKEN, webhookToken: WEBHOOK_TOKEN };
const TZ = 'Europe/Vienna';
let fake: DeputyFake;
let settings: DeputySettings;

beforeAll(async () => {
  fake = await startDeputyFake();
  settings = deputySettings.parse({
    installUrl: fake.url,
    locationIds: [HOTEL],
    departments: { [String(KITCHEN)]: 'FB' },
    overtime: { daily: [{ after: 8, multiplier: 1.5 }] },
    rates: { byRole: { [String(HOUSEKEEPING)]: 14 } },
    pageSize: 2,
  });
});
afterAll(() => fake.close());

const context = (waits: number[] = [], over: Partial<DeputySettings> = {}) => labourContext<DeputySettings, DeputyCredentials>('deputy', { ...settings, ...over }, credentials, waits, TZ);
const expected = () => expectedLabour(fake.data, { areas: [KITCHEN, HOUSEKEEPING], departmentCode: { [KITCHEN]: 'FB', [HOUSEKEEPING]: 'Housekeeping' }, areaRates: { [HOUSEKEEPING]: 14 }, daily: { after: 8, multiplier: 1.5 } });
const prefix = () => `deputy:${new URL(fake.url).hostname}`;
const isLeave = (r: Record<string, unknown>) => String(r.id).includes(':leave:');
/** Worked time only (leave records have their own expectation). */
const worked = (r: PullResult): PullResult => ({ ...r, batches: r.batches.map((b) => ({ ...b, records: b.records.filter((x) => !isLeave(x)) })) });
/** Paid leave per department and date: non-productive hours and their cost. */
function leaveByDepartmentDay(r: PullResult): Map<string, { hours: number; cost: number }> {
  const out = new Map<string, { hours: number; cost: number }>();
  for (const x of r.batches.flatMap((b) => b.records).filter((x) => isLeave(x) && !x.deleted)) {
    expect(x.productiveHours).toBe(0);
    const k = `${String(x.department)}|${String(x.date)}`;
    const sum = out.get(k) ?? { hours: 0, cost: 0 };
    out.set(k, { hours: sum.hours + Number(x.nonProductiveHours), cost: Math.round((sum.cost + Number(x.labourCost)) * 100) / 100 });
  }
  return out;
}

describe('Deputy schemas against the documented shapes', () => {
  it('reads a QUERY answer and a webhook body, added fields included', () => {
    const [t] = queryAnswer(timesheet).parse(fixture('timesheet.query.json'));
    expect(t).toMatchObject({ Id: 1, Employee: 3, TotalTime: 11.5, Cost: 345 });
    expect(webhookBody.parse(fixture('webhook.timesheet.update.json')).topic).toBe('Timesheet.Update');
  });

  it('maps the documented timesheet to a valid canonical time record: 11.5 h costing 345', () => {
    const [t] = queryAnswer(timesheet).parse(fixture('timesheet.query.json'));
    const records = timeRecords([t!], deputySettings.parse({ installUrl: 'https://acme.au.deputy.com', locationIds: [1] }), new Map([[1, 'Bar']]), 'Australia/Sydney');
    expect(records).toEqual([{ id: 'deputy:acme.au.deputy.com:punch:1', employeeNumber: 'deputy-3', department: 'Bar', date: '2022-05-07', productiveHours: 11.5, nonProductiveHours: 0, labourCost: 345 }]);
    expect(tms.record.safeParse(records[0]).success).toBe(true);
  });

  it('maps a leave timesheet of a paid leave rule to non-productive hours; unpaid leave to nothing; a discarded one to a deletion of its leave record', () => {
    const [doc] = queryAnswer(timesheet).parse(fixture('timesheet.query.json'));
    const s = deputySettings.parse({ installUrl: 'https://acme.au.deputy.com', locationIds: [1] });
    const leave = { ...doc!, IsLeave: true, LeaveRule: 7 };
    const paid = timeRecords([leave], s, new Map([[1, 'Bar']]), 'Australia/Sydney', new Set([7]));
    expect(paid).toEqual([{ id: 'deputy:acme.au.deputy.com:leave:1', employeeNumber: 'deputy-3', department: 'Bar', date: '2022-05-07', productiveHours: 0, nonProductiveHours: 11.5, labourCost: 345 }]);
    expect(tms.record.safeParse(paid[0]).success).toBe(true);
    expect(timeRecords([leave], s, new Map([[1, 'Bar']]), 'Australia/Sydney', new Set([8]))).toEqual([]);
    expect(timeRecords([{ ...leave, LeaveRule: null }], s, new Map([[1, 'Bar']]), 'Australia/Sydney', new Set([7]))).toEqual([]);
    expect(timeRecords([{ ...leave, Discarded: true }], s, new Map([[1, 'Bar']]), 'Australia/Sydney', new Set([7]))).toEqual([{ id: 'deputy:acme.au.deputy.com:leave:1', deleted: true }]);
  });
});

describe('Deputy connector against the fake (contract and mapping)', () => {
  it('backfills business dates in whole weeks, every request as documented, and the records equal the fake’s figures', async () => {
    fake.requests.length = 0;
    const result = await deputy.backfill(context(), { from: '2026-03-09', to: '2026-03-31' });
    expect(fake.violations).toEqual([]);
    expect(byDepartmentDay(worked(result))).toEqual(expected());
    // Kitchen 10 March: 8.5 paid hours, 8 × 18 + 0.5 × 1.5 × 18 = 157.50.
    expect(byDepartmentDay(result).get('FB|2026-03-10')).toEqual({ hours: 8.5, cost: 157.5 });
    const records = result.batches.flatMap((b) => b.records);
    expect(records).toContainEqual({ id: `${prefix()}:punch:1007`, deleted: true });
    const ids = records.map((r) => r.id);
    for (const absent of [1006, 1008, 1009]) expect(ids).not.toContain(`${prefix()}:punch:${absent}`);
    expect(records.find((r) => r.id === `${prefix()}:punch:1004`)).toMatchObject({ employeeNumber: 'deputy-503', date: '2026-03-12', department: 'Housekeeping' });
    const sheetReads = fake.requests.filter((r) => r.path === '/api/v1/resource/Timesheet/QUERY');
    expect(sheetReads[0]?.body).toMatchObject({ search: { s1: { field: 'Date', type: 'ge', data: '2026-03-08' }, s2: { field: 'Date', type: 'le', data: '2026-03-16' }, s3: { field: 'OperationalUnit', type: 'in', data: [KITCHEN, HOUSEKEEPING] } }, max: 2 });
    // Pages followed by start: more requests than weeks.
    expect(sheetReads.some((r) => (r.body?.start as number) > 0)).toBe(true);
    expect(fake.requests.every((r) => r.authorization === `Bearer ${ACCESS_TOKEN}`)).toBe(true);
  });

  it('reads the leave rules once when leave timesheets are in the weeks: paid leave is non-productive hours at Deputy’s cost, else our rate; unpaid leave is nothing', async () => {
    fake.requests.length = 0;
    const result = await deputy.backfill(context(), { from: '2026-03-16', to: '2026-03-22' });
    expect(fake.violations).toEqual([]);
    const want = expectedLeave(fake.data, { areas: [KITCHEN, HOUSEKEEPING], departmentCode: { [KITCHEN]: 'FB', [HOUSEKEEPING]: 'Housekeeping' }, areaRates: { [HOUSEKEEPING]: 14 } });
    // Annual leave 16 March: 8 h at Deputy's 14; sick leave 18 March: 4 h, no Deputy cost, the area rate 14; unpaid leave 17 March: nothing.
    expect(want).toEqual(new Map([['Housekeeping|2026-03-16', { hours: 8, cost: 112 }], ['Housekeeping|2026-03-18', { hours: 4, cost: 56 }]]));
    expect(leaveByDepartmentDay(result)).toEqual(want);
    expect(result.batches.flatMap((b) => b.records).map((r) => r.id)).not.toContain(`${prefix()}:leave:1010`);
    const ruleReads = fake.requests.filter((r) => r.path === '/api/v1/resource/LeaveRules/QUERY');
    // One paged read per run (three rules, pages of 2), though two weeks' timesheets hold leave.
    expect(ruleReads.map((r) => r.body?.start)).toEqual([0, 2]);
    // A week without leave reads no leave rules.
    fake.requests.length = 0;
    await deputy.backfill(context(), { from: '2026-03-09', to: '2026-03-15' });
    expect(fake.requests.some((r) => r.path === '/api/v1/resource/LeaveRules/QUERY')).toBe(false);
  });

  it('pulls what changed since the watermark and recomputes the whole week', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    expect((await deputy.pull(context(), { from: since, to: new Date().toISOString() })).batches).toEqual([]);
    fake.edit(1003, { EndTime: Date.parse('2026-03-10T13:00:00Z') / 1000, TotalTime: 6 });
    const result = await deputy.pull(context(), { from: since, to: new Date().toISOString() });
    expect(fake.violations).toEqual([]);
    const days = byDepartmentDay(result);
    expect(days.get('Housekeeping|2026-03-10')).toEqual({ hours: 6, cost: 84 });
    expect(days.get('FB|2026-03-11')).toEqual(expected().get('FB|2026-03-11'));
    expect(days.has('FB|2026-03-28')).toBe(false);
    fake.edit(1003, { EndTime: Date.parse('2026-03-10T11:00:00Z') / 1000, TotalTime: 4 });
  });
  it('counts only approved timesheets when asked, and uses the rate table when Deputy costs are off', async () => {
    fake.edit(1001, { TimeApproved: false });
    const approved = await deputy.backfill(context([], { approvedOnly: true }), { from: '2026-03-10', to: '2026-03-10' });
    fake.edit(1001, { TimeApproved: true });
    expect(byDepartmentDay(approved).has('FB|2026-03-10')).toBe(false);
    expect(byDepartmentDay(approved).get('Housekeeping|2026-03-10')).toEqual({ hours: 4, cost: 56 });
    const ours = await deputy.backfill(context([], { vendorCosts: false, rates: { byEmployee: { '501': 20 }, byRole: {} } }), { from: '2026-03-10', to: '2026-03-10' });
    // 8 × 20 + 0.5 × 1.5 × 20; housekeeping has no rate of ours: hours without cost.
    expect(byDepartmentDay(ours).get('FB|2026-03-10')).toEqual({ hours: 8.5, cost: 175 });
    expect(byDepartmentDay(ours).get('Housekeeping|2026-03-10')).toEqual({ hours: 4, cost: 0 });
    expect(fake.violations).toEqual([]);
  });
});

describe('Deputy webhooks', () => {
  const request = (body: string, token?: string) => ({ headers: { 'content-type': 'application/json' }, query: token === undefined ? ({} as Record<string, string>) : { token }, body: Buffer.from(body) });

  it('accepts only the URL token held, and nothing when none is held', () => {
    const body = fake.webhook('Timesheet.Update', 1001);
    expect(deputy.push!.authenticate(request(body, WEBHOOK_TOKEN), credentials)).toBe(true);
    expect(deputy.push!.authenticate(request(body, `${WEBHOOK_TOKEN}x`), credentials)).toBe(false);
    expect(deputy.push!.authenticate(request(body), credentials)).toBe(false);
    expect(deputy.push!.authenticate(request(body, WEBHOOK_TOKEN), { accessToken: ACCESS_TOKEN })).toBe(false);
  });

  it('fetches an updated timesheet back and recomputes its week; a delete is a deletion; other topics are no work', async () => {
    const updated = await deputy.push!.handle(context(), request(fake.webhook('Timesheet.Update', 1003)));
    expect(byDepartmentDay(updated).get('Housekeeping|2026-03-10')).toEqual({ hours: 4, cost: 56 });
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === '/api/v1/resource/Timesheet/1003')).toBe(true);
    const deleted = await deputy.push!.handle(context(), request(fake.webhook('Timesheet.Delete', 4242)));
    expect(deleted.batches).toEqual([{ sourceType: 'tms', records: [{ id: `${prefix()}:punch:4242`, deleted: true }] }]);
    const vanished = await deputy.push!.handle(context(), request(fake.webhook('Timesheet.Update', 4243)));
    expect(vanished.batches.flatMap((b) => b.records)).toEqual([{ id: `${prefix()}:punch:4243`, deleted: true }]);
    expect((await deputy.push!.handle(context(), request(JSON.stringify({ topic: 'Employee.Update', data: { Id: 501 } })))).batches).toEqual([]);
    expect((await deputy.push!.handle(context(), request('not json'))).batches).toEqual([]);
    expect(fake.violations).toEqual([]);
  });
});

describe('Deputy under vendor faults', () => {
  it('retries 500s and a 429 (waiting Retry-After), and gives a sanitised error when a request never answers', async () => {
    const waits: number[] = [];
    fake.fault({ kind: 'status', status: 500 }, /Timesheet/);
    fake.fault({ kind: 'rateLimit', retryAfterSeconds: 2 }, /Timesheet/);
    const result = await deputy.backfill(context(waits), { from: '2026-03-09', to: '2026-03-15' });
    expect(byDepartmentDay(result).get('FB|2026-03-10')).toEqual({ hours: 8.5, cost: 157.5 });
    expect(waits).toContain(2000);
    for (let i = 0; i < 4; i++) fake.fault({ kind: 'hang' }, /Timesheet/);
    const err = await deputy.backfill(context([]), { from: '2026-03-09', to: '2026-03-15' }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ reason: 'timeout', vendor: 'deputy' });
    expect(String((err as Error).message)).not.toContain(ACCESS_TOKEN);
  }, 20_000);
});
