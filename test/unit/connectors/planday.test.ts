import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import type { Clock } from '../../../shared/connectors/http/clock.js';
import { TokenCache } from '../../../shared/connectors/http/oauth-tokens.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import type { ConnectorContext, PullResult } from '../../../shared/connectors/connector.js';
import { dayStartUtc, wallClockUtc } from '../../../shared/connectors/local-days.js';
import { connectorById } from '../../../shared/connectors/registry.js';
import { planday } from '../../../shared/connectors/vendors/planday/index.js';
import { timeRecords } from '../../../shared/connectors/vendors/planday/mapping.js';
import { pageOf, punchClockBreak, punchClockShift } from '../../../shared/connectors/vendors/planday/schemas.js';
import { plandaySettings, type PlandayCredentials, type PlandaySettings } from '../../../shared/connectors/vendors/planday/settings.js';
import { tms } from '../../../shared/integrations/formats/tms/index.js';
import { HOUSEKEEPING, KITCHEN } from '../../fakes/vendors/planday/dataset.js';
import { expectedLabour } from '../../fakes/vendors/planday/expected.js';
import { CLIENT_ID, REFRESH_TOKEN, startPlandayFake, type PlandayFake } from '../../fakes/vendors/planday/server.js';

const samples = (JSON.parse(readFileSync(new URL('../../fixtures/vendors/planday/operations.json', import.meta.url), 'utf8')) as { samples: Record<string, unknown> }).samples;
const credentials: PlandayCredentials = { clientId: CLIENT_ID, refreshToken: REFRESH_TOKEN };
const TZ = 'Europe/Vienna';
let fake: PlandayFake;
let settings: PlandaySettings;

beforeAll(async () => {
  fake = await startPlandayFake();
  settings = plandaySettings.parse({
    apiBaseUrl: fake.url,
    tokenUrl: fake.tokenUrl,
    departmentIds: [KITCHEN, HOUSEKEEPING],
    departments: { [String(KITCHEN)]: 'FB' },
    overtime: { daily: [{ after: 8, multiplier: 1.5 }] },
    rates: { byEmployee: { '501': 18 }, default: 14 },
    pageSize: 2,
  });
});
afterAll(() => fake.close());

function context(waits: number[] = [], over: Partial<PlandaySettings> = {}, creds: PlandayCredentials = credentials): ConnectorContext<PlandaySettings, PlandayCredentials> {
  const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  const http = createVendorHttp({ vendor: 'Planday', circuitKey: `planday-${Math.random()}`, circuits: new Circuits(), tokens: new TokenCache(), clock, timeoutMs: 2500, retry: { maxAttempts: 4, baseDelayMs: 100 } });
  return { settings: { ...settings, ...over }, credentials: creds, http, timeZone: TZ, today: '2026-03-31' };
}

const byDepartmentDay = (result: PullResult) => {
  const out = new Map<string, { hours: number; cost: number }>();
  for (const b of result.batches)
    for (const r of b.records) {
      const k = `${String(r.department)}|${String(r.date)}`;
      const sum = out.get(k) ?? { hours: 0, cost: 0 };
      out.set(k, { hours: sum.hours + (r.productiveHours as number), cost: Math.round((sum.cost + (r.labourCost as number)) * 100) / 100 });
    }
  return out;
};
const expected = (approvedOnly = false) =>
  expectedLabour(fake.data, { departmentIds: [KITCHEN, HOUSEKEEPING], departmentCode: { [KITCHEN]: 'FB', [HOUSEKEEPING]: 'Housekeeping' }, employeeRates: { 501: 18 }, defaultRate: 14, daily: { after: 8, multiplier: 1.5 }, approvedOnly });

describe('Planday wall-clock times and mapping', () => {
  it('reads local times in the property zone, across both DST changes and in half-hour zones', () => {
    expect(wallClockUtc('2026-03-28T22:00', TZ)).toBe('2026-03-28T21:00:00Z');
    expect(wallClockUtc('2026-03-29T06:00', TZ)).toBe('2026-03-29T04:00:00Z');
    expect(wallClockUtc('2026-10-25T06:00:30', TZ)).toBe('2026-10-25T05:00:30Z');
    expect(wallClockUtc('2026-03-09T12:15', 'Asia/Kathmandu')).toBe('2026-03-09T06:30:00Z');
    expect(dayStartUtc('2026-03-29', TZ)).toBe('2026-03-28T23:00:00Z');
  });

  it('maps the documented record shape and its breaks to a valid canonical time record', () => {
    const [record] = pageOf(punchClockShift).parse({ data: [samples.punchClockShift], paging: { offset: 0, limit: 50, total: 1 } }).data;
    const breaks = pageOf(punchClockBreak).parse(samples.punchClockBreaks).data;
    expect(record).not.toHaveProperty('description');
    const s = plandaySettings.parse({ departmentIds: [101], rates: { default: 20 } });
    const records = timeRecords([record!], s, { employees: new Map([[1001, { id: 1001, salaryIdentifier: 'P-1001' }]]), departments: new Map([[101, 'Bar']]), breaks: new Map([[record!.id, breaks]]) }, 'Europe/Copenhagen');
    // 08:58–17:04 less a 30-minute unpaid break: 7.6 h at 20.
    expect(records).toEqual([{ id: 'planday:punch:800002', employeeNumber: 'P-1001', department: 'Bar', date: '2026-10-19', productiveHours: 7.6, nonProductiveHours: 0, labourCost: 152 }]);
    expect(tms.record.safeParse(records[0]).success).toBe(true);
    expect(timeRecords([record!], { ...s, breaksPaid: true }, { employees: new Map(), departments: new Map(), breaks: new Map([[record!.id, breaks]]) }, 'Europe/Copenhagen')[0]).toMatchObject({ employeeNumber: 'planday-1001', productiveHours: 8.1 });
  });

  it('is in the catalogue', () => {
    expect(connectorById('planday')).toBe(planday);
  });
});

describe('Planday connector against the fake (contract and mapping)', () => {
  it('backfills business dates in whole weeks, every request as documented, and the records equal the fake’s figures', async () => {
    fake.requests.length = 0;
    const result = await planday.backfill(context(), { from: '2026-03-09', to: '2026-03-31' });
    expect(fake.violations).toEqual([]);
    expect(byDepartmentDay(result)).toEqual(expected());
    // Kitchen 10 March: 8.5 h, 8 × 18 + 0.5 × 1.5 × 18 = 157.50; the DST night is 7 h.
    expect(byDepartmentDay(result).get('FB|2026-03-10')).toEqual({ hours: 8.5, cost: 157.5 });
    expect(byDepartmentDay(result).get('FB|2026-03-28')).toEqual({ hours: 7, cost: 126 });
    const records = result.batches.flatMap((b) => b.records);
    const ids = records.map((r) => r.id);
    for (const absent of [1006, 1007, 1008]) expect(ids).not.toContain(`planday:punch:${absent}`);
    expect(records.find((r) => r.id === 'planday:punch:1004')).toMatchObject({ employeeNumber: 'planday-503', date: '2026-03-12', department: 'Housekeeping' });
    const reads = fake.requests.filter((r) => r.path === '/punchclock/v1.0/punchclockshifts');
    expect(reads[0]?.query).toMatchObject({ from: ['2026-03-09T00:00'], to: ['2026-04-06T00:00'], limit: ['2'], offset: ['0'] });
    expect(reads.some((r) => r.query.offset?.[0] === '4')).toBe(true);
    const api = fake.requests.filter((r) => r.path !== '/connect/token');
    expect(api.every((r) => r.headers['x-clientid'] === CLIENT_ID && /^Bearer fake-planday-access-\d+$/.test(r.headers.authorization ?? ''))).toBe(true);
    // One token for the whole run.
    expect(fake.requests.filter((r) => r.path === '/connect/token')).toHaveLength(1);
  });

  it('counts only approved records when asked', async () => {
    const result = await planday.backfill(context([], { approvedOnly: true }), { from: '2026-03-10', to: '2026-03-10' });
    expect(byDepartmentDay(result).has('Housekeeping|2026-03-10')).toBe(false);
    expect(byDepartmentDay(result)).toEqual(new Map([...expected(true)].filter(([k]) => k.split('|')[1]! <= '2026-03-15')));
  });

  it('a scheduled pull re-reads the weeks from reReadDays before its window through today', async () => {
    fake.requests.length = 0;
    const result = await planday.pull(context([], { reReadDays: 3 }), { from: '2026-03-19T10:00:00Z', to: '2026-03-19T11:00:00Z' });
    expect(fake.violations).toEqual([]);
    expect(fake.requests.find((r) => r.path === '/punchclock/v1.0/punchclockshifts')?.query).toMatchObject({ from: ['2026-03-16T00:00'], to: ['2026-04-06T00:00'] });
    expect(byDepartmentDay(result)).toEqual(new Map([...expected()].filter(([k]) => k.split('|')[1]! >= '2026-03-16')));
  });
});

describe('Planday under vendor and token faults', () => {
  it('retries 500s and a 429 (x-ratelimit-reset, no Retry-After), and gives a sanitised error when a request never answers', async () => {
    const waits: number[] = [];
    fake.fault({ kind: 'status', status: 500 }, /punchclockshifts$/);
    fake.fault({ kind: 'rateLimit', resetSeconds: 2 }, /punchclockshifts$/);
    const result = await planday.backfill(context(waits), { from: '2026-03-09', to: '2026-03-15' });
    expect(byDepartmentDay(result).get('FB|2026-03-10')).toEqual({ hours: 8.5, cost: 157.5 });
    expect(waits).toHaveLength(2);
    for (let i = 0; i < 4; i++) fake.fault({ kind: 'hang' }, /punchclockshifts$/);
    const err = await planday.backfill(context([]), { from: '2026-03-09', to: '2026-03-15' }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ reason: 'timeout', vendor: 'Planday' });
    expect(String((err as Error).message)).not.toContain(REFRESH_TOKEN);
    expect(String((err as Error).message)).not.toContain('from=');
  });

  it('takes one fresh token when the access token is refused mid-run, and fails clean on a refused refresh token', async () => {
    const before = fake.tokensIssued;
    fake.requests.length = 0;
    fake.fault({ kind: 'revoke' }, /^\/hr\/v1\.0\/departments$/);
    const result = await planday.backfill(context(), { from: '2026-03-09', to: '2026-03-15' });
    expect(byDepartmentDay(result).get('FB|2026-03-10')).toEqual({ hours: 8.5, cost: 157.5 });
    expect(fake.tokensIssued).toBe(before + 2);
    // The refused page is asked again with the new token; the next page uses it too.
    expect(fake.requests.filter((r) => r.path === '/hr/v1.0/departments').map((r) => r.headers.authorization)).toEqual([`Bearer fake-planday-access-${before + 1}`, `Bearer fake-planday-access-${before + 2}`, `Bearer fake-planday-access-${before + 2}`]);
    const refused = await planday.backfill(context([], {}, { clientId: CLIENT_ID, refreshToken: 'revoked' }), { from: '2026-03-09', to: '2026-03-15' }).catch((e: unknown) => e as Error);
    expect(refused).toMatchObject({ reason: 'token_failed', vendor: 'Planday' });
    expect(String((refused as Error).message)).not.toContain('revoked');
    expect(fake.violations).toEqual([]);
  });
});
