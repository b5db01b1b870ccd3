import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { sevenShifts } from '../../../shared/connectors/vendors/7shifts/index.js';
import { instantOf, scheduleRecords, timeRecords } from '../../../shared/connectors/vendors/7shifts/mapping.js';
import { listOf, schedulePublished, shift, timePunch, webhookPunch } from '../../../shared/connectors/vendors/7shifts/schemas.js';
import { sevenShiftsSettings, type SevenShiftsCredentials, type SevenShiftsSettings } from '../../../shared/connectors/vendors/7shifts/settings.js';
import { signatureOf, verifySignature } from '../../../shared/connectors/vendors/7shifts/signature.js';
import { tms } from '../../../shared/integrations/formats/tms/index.js';
import { schedules } from '../../../shared/integrations/formats/schedules/index.js';
import type { PullResult } from '../../../shared/connectors/connector.js';
import { COMPANY_ID, HOUSEKEEPING, KITCHEN, LOCATION_ID, OTHER_LOCATION_ID } from '../../fakes/vendors/7shifts/dataset.js';
import { expectedLabour, expectedSchedule } from '../../fakes/vendors/7shifts/expected.js';
import { byDepartmentDay, labourContext } from '../../support/labour-results.js';
import { ACCESS_TOKEN, COMPANY_GUID, startSevenShiftsFake, type SevenShiftsFake } from '../../fakes/vendors/7shifts/server.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/vendors/7shifts/${name}`, import.meta.url), 'utf8'));
const credentials: SevenShiftsCredentials = { accessToken: ACCESS_TOKEN, companyGuid: COMPANY_GUID };
const TZ = 'Europe/Vienna';
let fake: SevenShiftsFake;
let settings: SevenShiftsSettings;

beforeAll(async () => {
  fake = await startSevenShiftsFake();
  settings = sevenShiftsSettings.parse({
    apiBaseUrl: fake.url,
    companyId: COMPANY_ID,
    locationIds: [LOCATION_ID],
    departments: { [String(KITCHEN)]: 'FB' },
    overtime: { daily: [{ after: 8, multiplier: 1.5 }] },
    rates: { byRole: { '92': 14 } },
    pageSize: 2,
  });
});
afterAll(() => fake.close());

const context = (waits: number[] = [], over: Partial<SevenShiftsSettings> = {}) => labourContext<SevenShiftsSettings, SevenShiftsCredentials>('7shifts', { ...settings, ...over }, credentials, waits, TZ);
const expected = () => expectedLabour(fake.data, { timeZone: TZ, locationId: LOCATION_ID, departmentCode: { [KITCHEN]: 'FB', [HOUSEKEEPING]: 'Housekeeping' }, roleRates: { 92: 14 }, daily: { after: 8, multiplier: 1.5 } });

describe('7shifts schemas against the published samples', () => {
  it('reads the documented list answer and the three webhook payloads, added fields included', () => {
    const list = listOf(timePunch).parse(fixture('time-punches.list.json'));
    expect(list.data[0]).toMatchObject({ id: 85452022, user_id: 555, hourly_wage: 1550, clocked_out: '2021-11-26T20:47:00+00:00' });
    expect(list.meta?.cursor?.next).toBe('eyJpZCI6Ijg2MDIzMDM2IiwibmV4dCI6dHJ1ZX0=');
    for (const topic of ['created', 'edited', 'deleted']) expect(webhookPunch.safeParse(fixture(`webhook.time_punch.${topic}.json`)).success).toBe(true);
    expect(webhookPunch.parse(fixture('webhook.time_punch.deleted.json')).deleted).toBe(true);
  });

  it('reads a zone-less webhook time as UTC, in agreement with its _iso twin', () => {
    const p = webhookPunch.parse(fixture('webhook.time_punch.created.json'));
    expect(Date.parse(instantOf(p.clocked_in))).toBe(Date.parse(p.clocked_in_iso!));
    expect(instantOf('2022-01-01 16:00:0')).toBe('2022-01-01T16:00:00Z');
  });

  it('maps the documented punch to a valid canonical time record: 5.5833 h at 15.50', () => {
    const [punch] = listOf(timePunch).parse(fixture('time-punches.list.json')).data;
    const records = timeRecords([punch!], sevenShiftsSettings.parse({ companyId: 1234, locationIds: [4569] }), { users: new Map([[555, { id: 555, employee_id: 'P-555' }]]), departments: new Map([[7890, 'FOH']]) }, 'America/Regina');
    expect(records).toEqual([{ id: '7shifts:1234:punch:85452022', employeeNumber: 'P-555', department: 'FOH', date: '2021-11-26', productiveHours: 5.5833, nonProductiveHours: 0, labourCost: 86.54 }]);
    expect(tms.record.safeParse(records[0]).success).toBe(true);
    expect(records[0]!.id).not.toContain('P-555');
  });
});

const CODES = { [KITCHEN]: 'FB', [HOUSEKEEPING]: 'Housekeeping' };
const expectedHours = () => expectedSchedule(fake.data, { timeZone: TZ, locationId: LOCATION_ID, departmentCode: CODES });

/** Scheduled hours of a result's live `schedules` records per `department|date`, through the canonical format (validation, then its mapping). */
function scheduledByDepartmentDay(result: PullResult): Map<string, number> {
  const out = new Map<string, number>();
  const ctx = { mappings: { departments: { FB: 'FB', Housekeeping: 'Housekeeping' }, accounts: {} }, receivedDate: '2026-03-01', timeZone: TZ };
  for (const b of result.batches.filter((x) => x.sourceType === 'schedules'))
    for (const r of b.records) {
      if (r.deleted) continue;
      const fact = schedules.toFact(schedules.record.parse(r), ctx);
      const c = fact.contributions[0]!;
      const k = `${c.departmentId}|${fact.date}`;
      out.set(k, Math.round(((out.get(k) ?? 0) + (c.measures.scheduledHours ?? 0)) * 100) / 100);
    }
  return out;
}

describe('7shifts shifts: the published samples and the schedules they become', () => {
  it('reads the documented List Shifts answer and the schedule.published payload', () => {
    const list = listOf(shift).parse(fixture('shifts.list.json'));
    expect(list.data[0]).toMatchObject({ id: 435688597, user_id: 555, department_id: 7890, start: '2022-07-06T23:00:00Z', end: '2022-07-07T05:00:00Z', deleted: false, breaks: [] });
    expect(schedulePublished.parse(fixture('webhook.schedule.published.json'))).toMatchObject({ company_id: 1234, location_id: 11, department_ids: [1, 2], start: '2022-03-27T00:00:00+00:00' });
  });

  it('maps the documented shift to a valid canonical schedule record: 6 h on its local start date', () => {
    const [documented] = listOf(shift).parse(fixture('shifts.list.json')).data;
    const records = scheduleRecords([documented!], sevenShiftsSettings.parse({ companyId: 1234, locationIds: [4569] }), { users: new Map([[555, { id: 555, employee_id: 'P-555' }]]), departments: new Map([[7890, 'FOH']]) });
    expect(records).toEqual([{ id: '7shifts:1234:shift:435688597', employeeNumber: 'P-555', department: 'FOH', role: '2583', start: '2022-07-06T23:00:00Z', end: '2022-07-07T05:00:00Z', unpaidBreakMinutes: 0 }]);
    const record = schedules.record.parse(records[0]);
    // 23:00 UTC is 17:00 in Regina: the shift belongs to 6 July there.
    expect(schedules.toFact(record, { mappings: { departments: { FOH: 'd-foh' }, accounts: {} }, receivedDate: '2022-07-01', timeZone: 'America/Regina' })).toEqual({ date: '2022-07-06', scenario: 'onTheBooks', contributions: [{ departmentId: 'd-foh', measures: { scheduledHours: 6 } }] });
    expect(records[0]!.id).not.toContain('P-555');
  });
});

describe('7shifts connector against the fake (contract and mapping)', () => {
  it('backfills the published shifts of the dates, live and deleted, and their hours equal the fake’s', async () => {
    fake.requests.length = 0;
    const result = await sevenShifts.backfill(context(), { from: '2026-03-09', to: '2026-03-15' });
    expect(fake.violations).toEqual([]);
    const hours = scheduledByDepartmentDay(result);
    expect(hours).toEqual(expectedHours());
    // 8.5 h with the unpaid break out; the midnight shift on the 11th; after local midnight on the 12th; a break by length.
    expect([hours.get('FB|2026-03-10'), hours.get('FB|2026-03-11'), hours.get('Housekeeping|2026-03-12'), hours.get('Housekeeping|2026-03-13')]).toEqual([8.5, 8.5, 7, 7.25]);
    const records = result.batches.filter((b) => b.sourceType === 'schedules').flatMap((b) => b.records);
    expect(records).toContainEqual({ id: `7shifts:${COMPANY_ID}:shift:2008`, deleted: true });
    for (const absent of [2006, 2007, 2009]) expect(records.map((r) => r.id)).not.toContain(`7shifts:${COMPANY_ID}:shift:${absent}`);
    const shiftReads = fake.requests.filter((r) => r.path.endsWith('/shifts'));
    expect(shiftReads[0]?.query).toMatchObject({ location_id: [String(LOCATION_ID)], 'start[gte]': ['2026-03-08T23:00:00Z'], 'start[lte]': ['2026-03-15T22:59:59Z'], limit: ['2'] });
    expect(shiftReads.some((r) => r.query.deleted?.[0] === 'true')).toBe(true);
    expect(shiftReads.some((r) => r.query.cursor)).toBe(true);
  });

  it('pulls shifts modified since the watermark: an edit replaces, a deletion removes', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const saved = [2003, 2005].map((id) => [id, { ...fake.data.shifts.find((x) => x.id === id)! }] as const);
    fake.editShift(2003, { end: '2026-03-10T12:00:00Z' });
    fake.editShift(2005, { deleted: true });
    const result = await sevenShifts.pull(context(), { from: since, to: new Date().toISOString() });
    expect(fake.violations).toEqual([]);
    expect(scheduledByDepartmentDay(result)).toEqual(new Map([['Housekeeping|2026-03-10', 5]]));
    expect(result.batches.find((b) => b.sourceType === 'schedules')?.records).toContainEqual({ id: `7shifts:${COMPANY_ID}:shift:2005`, deleted: true });
    // Put them back as they were, modified stamps included, so later watermarks don't see them.
    for (const [id, before] of saved) Object.assign(fake.data.shifts.find((x) => x.id === id)!, before);
  });

  it('answers schedule.published by reading the week of the location it names; another location is no work', async () => {
    const published = fake.schedulePublished(LOCATION_ID, '2026-03-09', '2026-03-15');
    expect(sevenShifts.push!.authenticate({ headers: published.headers, query: {}, body: Buffer.from(published.body) }, credentials)).toBe(true);
    const result = await sevenShifts.push!.handle(context(), { headers: published.headers, query: {}, body: Buffer.from(published.body) });
    expect(scheduledByDepartmentDay(result)).toEqual(expectedHours());
    expect(result.batches.map((b) => b.sourceType)).toEqual(['schedules']);
    const other = fake.schedulePublished(OTHER_LOCATION_ID, '2026-03-09', '2026-03-15');
    expect((await sevenShifts.push!.handle(context(), { headers: other.headers, query: {}, body: Buffer.from(other.body) })).batches).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('backfills business dates in whole weeks, every request as documented, and the records equal the fake’s figures', async () => {
    fake.requests.length = 0;
    const result = await sevenShifts.backfill(context(), { from: '2026-03-09', to: '2026-03-31' });
    expect(fake.violations).toEqual([]);
    expect(byDepartmentDay(result)).toEqual(expected());
    // Kitchen 10 March: 8.5 h, 8 × 18 + 0.5 × 1.5 × 18 = 157.50; the deleted punch is a deletion; the open and the other location's punches are absent.
    expect(byDepartmentDay(result).get('FB|2026-03-10')).toEqual({ hours: 8.5, cost: 157.5 });
    const records = result.batches.flatMap((b) => b.records);
    expect(records).toContainEqual({ id: `7shifts:${COMPANY_ID}:punch:1007`, deleted: true });
    expect(records.map((r) => r.id)).not.toEqual(expect.arrayContaining([`7shifts:${COMPANY_ID}:punch:1006`]));
    expect(records.map((r) => r.id)).not.toEqual(expect.arrayContaining([`7shifts:${COMPANY_ID}:punch:1008`]));
    // The user outside the list is read by id; no employee id: the 7shifts user id stands in.
    expect(records.find((r) => r.id === `7shifts:${COMPANY_ID}:punch:1004`)).toMatchObject({ employeeNumber: '7shifts-503', date: '2026-03-12', department: 'Housekeeping' });
    const punchReads = fake.requests.filter((r) => r.path.endsWith('/time_punches'));
    expect(punchReads[0]?.query).toMatchObject({ location_id: [String(LOCATION_ID)], 'clocked_in[gte]': ['2026-03-08T23:00:00Z'], limit: ['2'] });
    // Pages followed by cursor: more requests than windows.
    expect(punchReads.some((r) => r.query.cursor)).toBe(true);
    expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${ACCESS_TOKEN}` && r.headers['x-api-version'] === '2023-05-01' && r.headers['x-company-guid'] === COMPANY_GUID)).toBe(true);
  });

  it('pulls what changed since the watermark and recomputes the whole week', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    expect((await sevenShifts.pull(context(), { from: since, to: new Date().toISOString() })).batches).toEqual([]);
    fake.edit(1003, { clocked_out: '2026-03-10T13:00:00+00:00' });
    const result = await sevenShifts.pull(context(), { from: since, to: new Date().toISOString() });
    expect(fake.violations).toEqual([]);
    const days = byDepartmentDay(result);
    // Housekeeping 10 March now 6 h × 14; the week's other days come along, the DST week does not.
    expect(days.get('Housekeeping|2026-03-10')).toEqual({ hours: 6, cost: 84 });
    expect(days.get('FB|2026-03-11')).toEqual(expected().get('FB|2026-03-11'));
    expect(days.has('FB|2026-03-28')).toBe(false);
    fake.edit(1003, { clocked_out: '2026-03-10T11:00:00+00:00' });
  });

  it('counts only approved punches when asked, and sends the approved filter', async () => {
    fake.requests.length = 0;
    fake.edit(1001, { approved: false });
    const result = await sevenShifts.backfill(context([], { approvedOnly: true }), { from: '2026-03-10', to: '2026-03-10' });
    fake.edit(1001, { approved: true });
    expect(fake.violations).toEqual([]);
    expect(byDepartmentDay(result).has('FB|2026-03-10')).toBe(false);
    expect(fake.requests.find((r) => r.path.endsWith('/time_punches'))?.query.approved).toEqual(['true']);
  });
});

describe('7shifts webhook signature', () => {
  const body = Buffer.from(JSON.stringify(fixture('webhook.time_punch.created.json')));
  const now = 1_767_000_000_000;
  const ts = String(now / 1000);
  const hex = signatureOf(ts, COMPANY_GUID, body).toString('hex');

  it('accepts HMAC-SHA256 of the body keyed with timestamp#guid, in hex or base64', () => {
    expect(verifySignature({ 'x-hmac-timestamp': ts, 'x-hmac-signature': hex }, body, COMPANY_GUID, now)).toBe(true);
    expect(verifySignature({ 'x-hmac-timestamp': ts, 'x-hmac-signature': hex.toUpperCase() }, body, COMPANY_GUID, now)).toBe(true);
    expect(verifySignature({ 'x-hmac-timestamp': ts, 'x-hmac-signature': Buffer.from(hex, 'hex').toString('base64') }, body, COMPANY_GUID, now)).toBe(true);
  });

  it('refuses another key, a changed body or timestamp, a stale or future timestamp, and missing headers', () => {
    expect(verifySignature({ 'x-hmac-timestamp': ts, 'x-hmac-signature': hex }, body, 'another-company-guid', now)).toBe(false);
    expect(verifySignature({ 'x-hmac-timestamp': ts, 'x-hmac-signature': hex }, Buffer.concat([body, Buffer.from(' ')]), COMPANY_GUID, now)).toBe(false);
    expect(verifySignature({ 'x-hmac-timestamp': String(Number(ts) + 1), 'x-hmac-signature': hex }, body, COMPANY_GUID, now)).toBe(false);
    expect(verifySignature({ 'x-hmac-timestamp': ts, 'x-hmac-signature': hex }, body, COMPANY_GUID, now + 301_000)).toBe(false);
    expect(verifySignature({ 'x-hmac-timestamp': ts, 'x-hmac-signature': hex }, body, COMPANY_GUID, now - 301_000)).toBe(false);
    expect(verifySignature({ 'x-hmac-signature': hex }, body, COMPANY_GUID, now)).toBe(false);
    expect(verifySignature({ 'x-hmac-timestamp': ts }, body, COMPANY_GUID, now)).toBe(false);
    // The body's plain HMAC (no timestamp in the key) is not the scheme.
    const plain = signatureOf('', COMPANY_GUID, body).toString('hex');
    expect(verifySignature({ 'x-hmac-timestamp': ts, 'x-hmac-signature': plain }, body, COMPANY_GUID, now)).toBe(false);
  });

  it('refuses pushes when no company GUID is held', () => {
    const signed = fake.webhook('time_punch.created', 1001);
    expect(sevenShifts.push!.authenticate({ headers: signed.headers, query: {}, body: Buffer.from(signed.body) }, credentials)).toBe(true);
    expect(sevenShifts.push!.authenticate({ headers: signed.headers, query: {}, body: Buffer.from(signed.body) }, { accessToken: ACCESS_TOKEN })).toBe(false);
  });

  it('ignores other topics, companies and locations', async () => {
    const signed = fake.webhook('user.modified', 1001);
    expect((await sevenShifts.push!.handle(context(), { headers: signed.headers, query: {}, body: Buffer.from(signed.body) })).batches).toEqual([]);
    const other = fake.webhook('time_punch.created', 1006);
    expect((await sevenShifts.push!.handle(context(), { headers: other.headers, query: {}, body: Buffer.from(other.body) })).batches).toEqual([]);
  });
});

describe('7shifts under vendor faults', () => {
  it('retries 500s and a 429 (waiting Retry-After), and gives a sanitised error when a request never answers', async () => {
    const waits: number[] = [];
    fake.fault({ kind: 'status', status: 500 }, /time_punches/);
    fake.fault({ kind: 'rateLimit', retryAfterSeconds: 2 }, /time_punches/);
    const result = await sevenShifts.backfill(context(waits), { from: '2026-03-09', to: '2026-03-15' });
    expect(byDepartmentDay(result).get('FB|2026-03-10')).toEqual({ hours: 8.5, cost: 157.5 });
    expect(waits).toContain(2000);
    for (let i = 0; i < 4; i++) fake.fault({ kind: 'hang' }, /time_punches/);
    const err = await sevenShifts.backfill(context([]), { from: '2026-03-09', to: '2026-03-15' }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ reason: 'timeout', vendor: '7shifts' });
    expect(String((err as Error).message)).not.toContain(ACCESS_TOKEN);
    expect(String((err as Error).message)).not.toContain('clocked_in');
  });
});
