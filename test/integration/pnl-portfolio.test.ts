import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, sendAndWait } from './integrations-helpers.js';
import { addThamesHotel } from './portfolio-helpers.js';

/*
 * Three hotels of one tenant, data sent through the real signed webhooks (March 2026, March 2025 last year):
 *   North  (EUR)  PMS 14th 80 of 100 sold €12,000 · LY 70 sold €9,800   AMS FB revenue €5,000, FB cost of sales €1,500,
 *                 FB payroll €2,000, utilities €300 (15th) · budget: FB revenue €4,000 (15th), FB revenue €31,000 (March, monthly)
 *   South  (EUR)  PMS 14th 100 of 150 sold €15,000.50                  AMS FB revenue €2,000.25, FB payroll €900, A&G €410.10 (property level)
 *                 · budget: FB revenue €2,500 (15th)
 *   Thames (GBP)  PMS 14th 60 of 80 sold £9,000                         AMS FB revenue £1,500, FB payroll £600
 * The portfolio's rows are the single-property statements; a currency total adds the lines of its
 * properties and takes occupancy, ADR, RevPAR, TRevPAR, GOPPAR and GOP margin from the sums.
 */

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let t: SeededTenant;
let other: SeededTenant;
let owner: string;
let north: string;
let south: string;
let thames: string;
let brand: string;
let otherGroup: string;
let scoped: SeededUser;
let rpOnly: SeededUser;

const RANGE = 'from=2026-03-01&to=2026-03-31';
const ACCOUNTS = { '4100': 'revenue', '5100': 'costOfSales', '6100': 'payrollAndRelated', '7200': 'utilities', '7000': 'administrativeAndGeneral' };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

beforeAll(async () => {
  t = await seedTenant(host);
  other = await seedTenant(host);
  owner = t.users.owner.token;
  [north, south] = t.propertyIds as [string, string];
  thames = await addThamesHotel(host, owner);
  const data: Record<string, { pms: object[]; ams: object[] }> = {
    [north]: {
      pms: [
        { id: 'N1', date: '2026-03-14', roomsAvailable: 100, roomsSold: 80, roomRevenue: 12000, guests: 130 },
        { id: 'N0', date: '2025-03-14', roomsAvailable: 100, roomsSold: 70, roomRevenue: 9800, guests: 120 },
      ],
      ams: [
        { id: 'NA1', date: '2026-03-15', account: '4100', department: 'FB', amount: 5000, kind: 'actual' },
        { id: 'NA2', date: '2026-03-15', account: '5100', department: 'FB', amount: 1500, kind: 'actual' },
        { id: 'NA3', date: '2026-03-15', account: '6100', department: 'FB', amount: 2000, kind: 'actual' },
        { id: 'NA4', date: '2026-03-15', account: '7200', amount: 300, kind: 'actual' },
        { id: 'NB1', date: '2026-03-15', account: '4100', department: 'FB', amount: 4000, kind: 'budget' },
        { id: 'NB2', period: '2026-03', account: '4100', department: 'FB', amount: 31000, kind: 'budget' },
      ],
    },
    [south]: {
      pms: [{ id: 'S1', date: '2026-03-14', roomsAvailable: 150, roomsSold: 100, roomRevenue: 15000.5, guests: 160 }],
      ams: [
        { id: 'SA1', date: '2026-03-15', account: '4100', department: 'FB', amount: 2000.25, kind: 'actual' },
        { id: 'SA2', date: '2026-03-15', account: '6100', department: 'FB', amount: 900, kind: 'actual' },
        { id: 'SA3', date: '2026-03-15', account: '7000', amount: 410.1, kind: 'actual' },
        { id: 'SB1', date: '2026-03-15', account: '4100', department: 'FB', amount: 2500, kind: 'budget' },
      ],
    },
    [thames]: {
      pms: [{ id: 'T1', date: '2026-03-14', roomsAvailable: 80, roomsSold: 60, roomRevenue: 9000, guests: 90 }],
      ams: [
        { id: 'TA1', date: '2026-03-15', account: '4100', department: 'FB', amount: 1500, kind: 'actual' },
        { id: 'TA2', date: '2026-03-15', account: '6100', department: 'FB', amount: 600, kind: 'actual' },
      ],
    },
  };
  const admin = t.users.admin.token;
  for (const [propertyId, d] of Object.entries(data)) {
    await sendAndWait(host, admin, await createIntegration(host, admin, { propertyId, sourceType: 'pms' }), { records: d.pms });
    await sendAndWait(host, admin, await createIntegration(host, admin, { propertyId, sourceType: 'ams', mappings: { departments: {}, accounts: ACCOUNTS } }), { records: d.ams });
  }
  const group = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'brand', name: 'Riverside', propertyIds: [north, south, thames] } });
  expect(group.status).toBe(201);
  brand = group.json.id;
  otherGroup = (await host.request('POST', '/api/v1/property-groups', { token: other.users.owner.token, body: { kind: 'region', name: 'Elsewhere', propertyIds: other.propertyIds } })).json.id;
  const controllers = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Controllers without payroll', permissions: ['reports.pnl.read'] } });
  scoped = await createUser(host, t.slug, owner, { email: `pnl-scoped@${t.slug}.example`, roles: [{ roleId: controllers.json.id, scope: { all: false, propertyIds: [north, thames] } }] });
  rpOnly = await createUser(host, t.slug, owner, { email: `rp-only@${t.slug}.example`, roles: [{ roleId: 'end-user', scope: { all: true } }] });
});

const portfolio = (token: string, query: string, headers: Record<string, string> = {}) => host.request('GET', `/api/v1/reports/profit-loss/portfolio?${query}`, { token, headers });
const single = (token: string, propertyId: string, query: string) => host.request('GET', `/api/v1/reports/profit-loss?propertyId=${propertyId}&${query}`, { token });
const linesOf = (period: Json): Map<string, Json> => new Map(period.lines.map((l: Json) => [l.key, l]));

const RATIOS: Record<string, [string, string, number]> = {
  'stats.occupancy': ['stats.roomsSold', 'stats.roomsAvailable', 100],
  'stats.adr': ['revenue.rooms', 'stats.roomsSold', 1],
  'stats.revpar': ['revenue.rooms', 'stats.roomsAvailable', 1],
  'stats.trevpar': ['revenue.total', 'stats.roomsAvailable', 1],
  'stats.goppar': ['gop', 'stats.roomsAvailable', 1],
  gopMargin: ['gop', 'revenue.total', 100],
};

/** Checks every total of a portfolio answer against the single-property statements read through the API. */
async function expectTotalsOfSingles(token: string, res: Json, query: string) {
  const singles = new Map<string, Json>();
  for (const row of res.properties as Json[]) {
    const s = await single(token, row.propertyId, query);
    expect(s.status).toBe(200);
    singles.set(row.propertyId, s.json.properties[0]);
    // A row is the single-property statement.
    expect(row).toEqual(s.json.properties[0]);
  }
  for (const total of res.totals as Json[]) {
    const rows = (total.propertyIds as string[]).map((id) => singles.get(id));
    expect(rows.every((r) => r?.currency === total.currency)).toBe(true);
    for (const [i, period] of [...total.periods, total.total].entries()) {
      const parts = rows.map((r) => linesOf(i < total.periods.length ? r.periods[i] : r.total));
      for (const line of period.lines as Json[]) {
        for (const series of ['actual', ...res.compare]) {
          const values = parts.map((p) => p.get(line.key)?.[series] ?? null);
          const ratio = RATIOS[line.key];
          let expected: number | null;
          if (ratio) {
            const both = parts.filter((p) => (p.get(ratio[0])?.[series] ?? null) !== null && (p.get(ratio[1])?.[series] ?? null) !== null);
            const num = both.reduce((s, p) => s + p.get(ratio[0])[series], 0);
            const den = both.reduce((s, p) => s + p.get(ratio[1])[series], 0);
            expected = both.length === 0 || den === 0 ? null : Math.round((num / den) * ratio[2] * 100) / 100;
          } else {
            const present = values.filter((v) => v !== null) as number[];
            expected = present.length === 0 ? null : present.reduce((s, v) => s + v, 0);
          }
          const got = line[series];
          const label = [total.currency, period.key, line.key, series];
          if (expected === null || got === null) expect([...label, got]).toEqual([...label, expected]);
          else expect([...label, got]).toEqual([...label, expect.closeTo(expected, 2)]);
        }
      }
    }
  }
}

describe('portfolio P&L over HTTP', () => {
  it('answers a statement per property and a total per currency, never adding EUR to GBP', async () => {
    const res = await portfolio(owner, `groupId=${brand}&${RANGE}&granularity=month`);
    expect(res.status).toBe(200);
    const r = res.json;
    expect(r.report).toBe('profit-loss-portfolio');
    expect(r.group).toEqual({ id: brand, kind: 'brand', name: 'Riverside' });
    expect(r.properties.map((p: Json) => [p.name, p.currency])).toEqual([
      ['North Hotel', 'EUR'],
      ['South Hotel', 'EUR'],
      ['Thames Hotel', 'GBP'],
    ]);
    expect(r.coverage).toEqual({ propertyIds: [north, south, thames], propertyCount: 3, excludedForScope: { propertyIds: [], propertyCount: 0 } });
    expect(r.totals.map((x: Json) => [x.currency, x.propertyIds, x.propertyCount])).toEqual([
      ['EUR', [north, south], 2],
      ['GBP', [thames], 1],
    ]);
    expect(r.payrollVisible).toBe(true);
    const eur = linesOf(r.totals[0].total);
    const v = (k: string) => eur.get(k)?.actual;
    expect(v('stats.roomsSold')).toBe(180);
    expect(v('revenue.rooms')).toBe(27000.5);
    expect(v('revenue.foodAndBeverage')).toBe(7000.25);
    expect(v('revenue.total')).toBe(34000.75);
    expect(v('expenses.foodAndBeverage.payrollAndRelated')).toBe(2900);
    expect(v('expenses.foodAndBeverage.costOfSales')).toBe(1500);
    expect(v('undistributed.administrativeAndGeneral')).toBe(410.1);
    expect(v('undistributed.utilities')).toBe(300);
    // GOP: 34,000.75 − 4,400 departmental expenses − 710.10 undistributed.
    expect(v('gop')).toBe(28890.65);
    // ADR of the sums: 27,000.50 ÷ 180 rooms (the mean of 150 and 150.005 would be 150.0025).
    expect(v('stats.adr')).toBe(150);
    expect(v('gopMargin')).toBe(84.97);
    // The budget: North's March budget (dated and monthly) and South's.
    expect(eur.get('revenue.foodAndBeverage')?.budget).toBe(37500);
    expect(linesOf(r.totals[1].total).get('revenue.total')?.actual).toBe(10500);
  });

  it.each(['month', 'quarter', 'year'])('has rows equal to the single-property statements and totals equal to their sums (%s)', async (granularity) => {
    const query = `${RANGE}&granularity=${granularity}`;
    const res = await portfolio(owner, `groupId=${brand}&${query}`);
    expect(res.status).toBe(200);
    expect(res.json.meta.aggregatesFrom).toBe('monthlyRollups');
    expect(res.json.compare).toEqual(['budget', 'forecast', 'lastYear']);
    await expectTotalsOfSingles(owner, res.json, query);
  });

  it('shows a scoped caller only the properties in scope, without payroll lines, and says which were left out', async () => {
    const res = await portfolio(scoped.token, `groupId=${brand}&${RANGE}&compare=budget`);
    expect(res.status).toBe(200);
    expect(res.json.properties.map((p: Json) => p.propertyId)).toEqual([north, thames]);
    expect(res.json.coverage).toEqual({ propertyIds: [north, thames], propertyCount: 2, excludedForScope: { propertyIds: [south], propertyCount: 1 } });
    expect(res.json.totals.map((x: Json) => [x.currency, x.propertyIds])).toEqual([
      ['EUR', [north]],
      ['GBP', [thames]],
    ]);
    expect(linesOf(res.json.totals[0].total).get('revenue.total')?.actual).toBe(17000);
    // payroll.read is missing: payroll lines and the lines that would give them away are left out, as in the single-property P&L.
    expect(res.json.payrollVisible).toBe(false);
    expect(res.text).not.toContain('payrollAndRelated');
    expect(res.text).not.toContain('"gop"');
    expect(res.text).not.toContain('15000.5');
    await expectTotalsOfSingles(scoped.token, res.json, `${RANGE}&compare=budget`);
  });

  it('refuses a caller whose scope covers none of the group, one without reports.pnl.read, and another tenant', async () => {
    const g = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'region', name: 'South only', propertyIds: [south] } });
    const none = await portfolio(scoped.token, `groupId=${g.json.id}&${RANGE}`);
    expect(none.status).toBe(403);
    expect(none.json.detail).toContain('reports.pnl.read');
    expect((await portfolio(rpOnly.token, `groupId=${brand}&${RANGE}`)).status).toBe(403);
    const theirs = await portfolio(owner, `groupId=${otherGroup}&${RANGE}`);
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain('Elsewhere');
  });

  it('covers every property with groupId=all', async () => {
    const all = await portfolio(owner, `groupId=all&${RANGE}&compare=`);
    expect(all.status).toBe(200);
    expect(all.json.group).toBeNull();
    expect(all.json.coverage.propertyCount).toBe(3);
    expect(all.json.totals.map((x: Json) => x.currency)).toEqual(['EUR', 'GBP']);
    expect(all.json.properties[0].total.lines[0]).not.toHaveProperty('budget');
  });

  it('refuses invalid queries with a 400 naming the parameter', async () => {
    for (const [query, field] of [
      [RANGE, 'query.groupId'],
      [`groupId=${brand}&from=2026-03-15&to=2026-03-14`, 'query.from'],
      [`groupId=${brand}&${RANGE}&granularity=day`, 'query.granularity'],
      [`groupId=${brand}&${RANGE}&compare=nextYear`, 'query.compare'],
      [`groupId=${brand}&${RANGE}&propertyId=${north}`, 'query'],
      [`groupId=a/b&${RANGE}`, 'query.groupId'],
    ] as const) {
      const res = await portfolio(owner, query);
      expect([query, res.status]).toEqual([query, 400]);
      expect([query, res.json.errors?.[0]?.field]).toEqual([query, field]);
    }
  });

  it('answers CSV with the totals as statements, audits the view, and 304 to a matching If-None-Match', async () => {
    const csv = await portfolio(owner, `groupId=${brand}&${RANGE}&compare=`, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines.some((l) => l.startsWith('Portfolio total (EUR),EUR,total,') && l.includes(',Total operating revenue,EUR,34000.75'))).toBe(true);
    expect(lines.some((l) => l.startsWith('Portfolio total (GBP),GBP,'))).toBe(true);

    const json = await portfolio(owner, `groupId=${brand}&${RANGE}`);
    const etag = json.headers.get('etag') as string;
    expect(etag).toMatch(/^"/);
    expect((await portfolio(owner, `groupId=${brand}&${RANGE}`, { 'if-none-match': etag })).status).toBe(304);
    await host.app.broker?.idle();
    const audit = await host.request('GET', '/api/v1/audit?action=report.viewed', { token: owner });
    expect(audit.json.items.some((e: Json) => e.target?.id === 'profit-loss-portfolio' && e.details?.groupId === brand && e.details?.properties === 3)).toBe(true);
  });
});
