import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, sendAndWait } from './integrations-helpers.js';
import { addThamesHotel } from './portfolio-helpers.js';

/*
 * Three hotels of one tenant, data sent through the real signed webhooks (2026-03-14 actuals):
 *   North  (EUR)  PMS 80 sold, €12,000      POS FB €3,000, 150 covers    TMS ROOMS 40 h (€1,000), FB 30 + 2 h (€800)
 *   South  (EUR)  PMS 100 sold, €15,000.50  POS FB €2,000.25, 100 covers TMS ROOMS 50 h (€1,200), FB 20 h (€500)
 *   Thames (GBP)  PMS 60 sold, £9,000       POS FB £1,500, 80 covers     TMS ROOMS 30 h (£700), FB 25 h (£600)
 * EUR total: revenue 32,000.75 over 142 paid hours → 225.3574 €/h (the mean of North's 208.33 and
 * South's 242.87 would be 225.60: the test tells a ratio of sums from an average of ratios).
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
let noReports: SeededUser;

const RANGE = 'from=2026-03-14&to=2026-03-15';
const DATA: Record<string, { pms: object; pos: object; tms: object[] }> = {};

beforeAll(async () => {
  t = await seedTenant(host);
  other = await seedTenant(host);
  owner = t.users.owner.token;
  [north, south] = t.propertyIds as [string, string];
  thames = await addThamesHotel(host, owner);
  DATA[north] = {
    pms: { id: 'N1', date: '2026-03-14', roomsAvailable: 100, roomsSold: 80, roomRevenue: 12000, guests: 130 },
    pos: { id: 'NP', businessDate: '2026-03-14', outlet: 'FB', netRevenue: 3000, covers: 150 },
    tms: [
      { id: 'NT1', employeeNumber: 'E-1', department: 'ROOMS', date: '2026-03-14', productiveHours: 40, labourCost: 1000 },
      { id: 'NT2', employeeNumber: 'E-2', department: 'FB', date: '2026-03-14', productiveHours: 30, nonProductiveHours: 2, labourCost: 800 },
    ],
  };
  DATA[south] = {
    pms: { id: 'S1', date: '2026-03-14', roomsAvailable: 150, roomsSold: 100, roomRevenue: 15000.5, guests: 160 },
    pos: { id: 'SP', businessDate: '2026-03-14', outlet: 'FB', netRevenue: 2000.25, covers: 100 },
    tms: [
      { id: 'ST1', employeeNumber: 'E-3', department: 'ROOMS', date: '2026-03-14', productiveHours: 50, labourCost: 1200 },
      { id: 'ST2', employeeNumber: 'E-4', department: 'FB', date: '2026-03-14', productiveHours: 20, labourCost: 500 },
    ],
  };
  DATA[thames] = {
    pms: { id: 'T1', date: '2026-03-14', roomsAvailable: 80, roomsSold: 60, roomRevenue: 9000, guests: 90 },
    pos: { id: 'TP', businessDate: '2026-03-14', outlet: 'FB', netRevenue: 1500, covers: 80 },
    tms: [
      { id: 'TT1', employeeNumber: 'E-5', department: 'ROOMS', date: '2026-03-14', productiveHours: 30, labourCost: 700 },
      { id: 'TT2', employeeNumber: 'E-6', department: 'FB', date: '2026-03-14', productiveHours: 25, labourCost: 600 },
    ],
  };
  const admin = t.users.admin.token;
  for (const [propertyId, d] of Object.entries(DATA)) {
    await sendAndWait(host, admin, await createIntegration(host, admin, { propertyId, sourceType: 'pms' }), { records: [d.pms] });
    await sendAndWait(host, admin, await createIntegration(host, admin, { propertyId, sourceType: 'pos' }), { records: [d.pos] });
    await sendAndWait(host, admin, await createIntegration(host, admin, { propertyId, sourceType: 'tms' }), { records: d.tms });
  }
  const group = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'brand', name: 'Riverside', propertyIds: [north, south, thames] } });
  expect(group.status).toBe(201);
  brand = group.json.id;
  const theirs = await host.request('POST', '/api/v1/property-groups', { token: other.users.owner.token, body: { kind: 'region', name: 'Elsewhere', propertyIds: other.propertyIds } });
  otherGroup = theirs.json.id;
  scoped = await createUser(host, t.slug, owner, { email: `scoped@${t.slug}.example`, roles: [{ roleId: 'end-user', scope: { all: false, propertyIds: [north, thames] } }] });
  const role = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'User admins', permissions: ['users.read'] } });
  noReports = await createUser(host, t.slug, owner, { email: `users@${t.slug}.example`, roles: [{ roleId: role.json.id, scope: { all: true } }] });
});

const portfolio = (token: string, query: string, headers: Record<string, string> = {}) => host.request('GET', `/api/v1/reports/revenue-productivity/portfolio?${query}`, { token, headers });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('property groups over HTTP', () => {
  it('creates, reads, lists, changes with If-Match and deletes a group, each change audited', async () => {
    const created = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'ownership', name: 'Owned', propertyIds: [north] } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/property-groups/${created.json.id}`);
    expect(created.json).toMatchObject({ kind: 'ownership', name: 'Owned', propertyIds: [north] });
    const first = created.headers.get('etag') as string;
    const read = await host.request('GET', `/api/v1/property-groups/${created.json.id}`, { token: t.users.endUser.token });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(first);
    const list = await host.request('GET', '/api/v1/property-groups', { token: owner });
    expect(list.json.items.map((g: Json) => g.name)).toEqual(['Owned', 'Riverside']);

    const changed = await host.request('PATCH', `/api/v1/property-groups/${created.json.id}`, { token: owner, headers: { 'if-match': first }, body: { propertyIds: [north, south], name: 'Owned outright' } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ name: 'Owned outright', propertyIds: [north, south], kind: 'ownership' });
    const stale = await host.request('PATCH', `/api/v1/property-groups/${created.json.id}`, { token: owner, headers: { 'if-match': first }, body: { name: 'Lost update' } });
    expect(stale.status).toBe(412);
    expect((await host.request('DELETE', `/api/v1/property-groups/${created.json.id}`, { token: owner, headers: { 'if-match': first } })).status).toBe(412);
    const deleted = await host.request('DELETE', `/api/v1/property-groups/${created.json.id}`, { token: owner, headers: { 'if-match': changed.headers.get('etag') as string } });
    expect(deleted.status).toBe(204);
    expect((await host.request('GET', `/api/v1/property-groups/${created.json.id}`, { token: owner })).status).toBe(404);

    await host.app.broker?.idle();
    for (const action of ['property.group_created', 'property.group_updated', 'property.group_deleted']) {
      const audit = await host.request('GET', `/api/v1/audit?action=${action}`, { token: owner });
      expect([action, audit.json.items.filter((e: Json) => e.target?.id === created.json.id).length]).toEqual([action, 1]);
    }
    const updated = await host.request('GET', '/api/v1/audit?action=property.group_updated', { token: owner });
    expect(updated.json.items[0].changes.propertyIds).toEqual({ before: [north], after: [north, south] });
  });

  it('refuses unknown properties, repeated ids and unknown fields with a 400 naming the field', async () => {
    const unknown = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'region', name: 'X', propertyIds: [north, 'no-such-hotel'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([expect.objectContaining({ field: 'body.propertyIds.1' })]);
    // A property of another tenant is unknown here too.
    const foreign = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'region', name: 'X', propertyIds: [other.propertyIds[0]] } });
    expect(foreign.status).toBe(400);
    expect(foreign.json.errors[0].field).toBe('body.propertyIds.0');
    const twice = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'region', name: 'X', propertyIds: [north, north] } });
    expect(twice.status).toBe(400);
    expect(twice.json.errors[0].field).toBe('body.propertyIds.1');
    const kind = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'franchise', name: 'X', propertyIds: [] } });
    expect(kind.json.errors[0].field).toBe('body.kind');
    const extra = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'region', name: 'X', propertyIds: [], tenantId: other.tenantId } });
    expect(extra.status).toBe(400);
    const patch = await host.request('PATCH', `/api/v1/property-groups/${brand}`, { token: owner, headers: { 'if-match': '*' }, body: { propertyIds: ['nope'] } });
    expect(patch.status).toBe(400);
    expect(patch.json.errors[0].field).toBe('body.propertyIds.0');
  });

  it('lets report readers read groups, only properties.manage change them, and no one reach another tenant', async () => {
    expect((await host.request('GET', '/api/v1/property-groups', { token: scoped.token })).status).toBe(200);
    expect((await host.request('GET', '/api/v1/property-groups', { token: noReports.token })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/property-groups/${brand}`, { token: noReports.token })).status).toBe(403);
    expect((await host.request('POST', '/api/v1/property-groups', { token: t.users.endUser.token, body: { kind: 'region', name: 'X', propertyIds: [] } })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/property-groups/${otherGroup}`, { token: owner })).status).toBe(404);
    expect((await host.request('PATCH', `/api/v1/property-groups/${otherGroup}`, { token: owner, headers: { 'if-match': '*' }, body: { name: 'Mine' } })).status).toBe(404);
    const list = await host.request('GET', '/api/v1/property-groups', { token: owner });
    expect(list.json.items.map((g: Json) => g.id)).not.toContain(otherGroup);
  });

  it('needs properties.manage over every property a group names', async () => {
    const role = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'North manager', permissions: ['properties.manage'] } });
    const manager = await createUser(host, t.slug, owner, { email: `manager@${t.slug}.example`, roles: [{ roleId: role.json.id, scope: { all: false, propertyIds: [north] } }] });
    const own = await host.request('POST', '/api/v1/property-groups', { token: manager.token, body: { kind: 'other', name: 'Mine', propertyIds: [north] } });
    expect(own.status).toBe(201);
    const wider = await host.request('POST', '/api/v1/property-groups', { token: manager.token, body: { kind: 'other', name: 'Wider', propertyIds: [north, south] } });
    expect(wider.status).toBe(403);
    // Nor can it take a hotel out of a group that names one outside the manager's scope.
    const ungroup = await host.request('PATCH', `/api/v1/property-groups/${brand}`, { token: manager.token, headers: { 'if-match': '*' }, body: { propertyIds: [north] } });
    expect(ungroup.status).toBe(403);
    expect((await host.request('DELETE', `/api/v1/property-groups/${own.json.id}`, { token: manager.token, headers: { 'if-match': '*' } })).status).toBe(204);
  });
});

describe('portfolio R&P over HTTP', () => {
  it('answers a row per property and a total per currency, never adding EUR to GBP', async () => {
    const res = await portfolio(owner, `groupId=${brand}&${RANGE}&granularity=day`);
    expect(res.status).toBe(200);
    const r = res.json;
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
    const eur = r.totals[0].total.total.actual;
    expect(eur.revenue).toBe(32000.75);
    expect(eur.paidHours).toBe(142);
    expect(eur.roomsSold).toBe(180);
    expect(eur.covers).toBe(250);
    expect(eur.labourCost).toBe(3500);
    // Ratios of the sums: 32,000.75 ÷ 142 h, 142 h ÷ 180 rooms, 3,500 ÷ 32,000.75 × 100, 250 covers ÷ 52 F&B hours.
    expect(eur.productivityTotal).toBe(225.3574);
    expect(eur.hpor).toBe(0.7889);
    expect(eur.labourCostPct).toBe(10.9372);
    expect(eur.coversPerLabourHour).toBe(4.8077);
    // Earned hours: each hotel's rooms sold × 0.5 plus its covers × 0.3 (North 85, South 80), against 140 productive hours.
    expect(eur.earnedHours).toBe(165);
    expect(eur.productivityIndex).toBe(1.1786);
    expect(eur.dataDays).toBe(2);
    const gbp = r.totals[1].total.total.actual;
    expect(gbp).toMatchObject({ revenue: 10500, paidHours: 55, roomsSold: 60, labourCost: 1300, productivityTotal: 190.9091 });
    expect(r.totals[0].total.total.name).toBe('Portfolio total (EUR)');
  });

  it.each(['day', 'month'])('has rows equal to the single-property reports and totals equal to the sum of the rows (%s)', async (granularity) => {
    // At month granularity the portfolio reads the group's rollups in one query, each single report its own.
    const res = await portfolio(owner, `groupId=${brand}&${RANGE}&granularity=${granularity}`);
    expect(res.json.meta.aggregatesFrom).toBe(granularity === 'month' ? 'monthlyRollups' : 'dailyAggregates');
    for (const row of res.json.properties as Json[]) {
      const single = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${row.propertyId}&${RANGE}&granularity=${granularity}`, { token: owner });
      const p = single.json.properties[0];
      expect(row.periods.map((x: Json) => x.total)).toEqual(p.periods.map((x: Json) => x.total));
      expect(row.total.total).toEqual(p.total.total);
    }
    for (const total of res.json.totals as Json[]) {
      const rows = (res.json.properties as Json[]).filter((p) => p.currency === total.currency);
      for (const [i, period] of [...total.periods, total.total].entries()) {
        const parts = rows.map((p) => (i < total.periods.length ? p.periods[i] : p.total).total);
        for (const series of ['actual', 'budget', 'forecast', 'lastYear']) {
          for (const key of ['revenue', 'covers', 'productiveHours', 'nonProductiveHours', 'paidHours', 'labourCost', 'earnedHours', 'dataDays']) {
            const sum = parts.reduce((s: number, x: Json) => s + (x[series][key] ?? 0), 0);
            expect([total.currency, period.key, series, key, period.total[series][key] ?? 0]).toEqual([total.currency, period.key, series, key, expect.closeTo(sum, 2)]);
          }
        }
      }
    }
  });

  it('shows a scoped caller only the properties in scope and says which were left out', async () => {
    const res = await portfolio(scoped.token, `groupId=${brand}&${RANGE}&granularity=month`);
    expect(res.status).toBe(200);
    expect(res.json.properties.map((p: Json) => p.propertyId)).toEqual([north, thames]);
    expect(res.json.coverage).toEqual({ propertyIds: [north, thames], propertyCount: 2, excludedForScope: { propertyIds: [south], propertyCount: 1 } });
    expect(res.json.totals.map((x: Json) => [x.currency, x.propertyIds])).toEqual([
      ['EUR', [north]],
      ['GBP', [thames]],
    ]);
    expect(res.json.totals[0].total.total.actual.revenue).toBe(15000);
    // The end-user role has no payroll.read: labour cost is omitted, not zeroed.
    expect(res.json.payrollVisible).toBe(false);
    expect(res.text).not.toContain('"labourCost"');
    expect(res.text).not.toContain('"labourCostPct"');
    expect(res.text).not.toContain('15000.5');
  });

  it('refuses a caller whose scope covers none of the group, and one without reports.rp.read', async () => {
    const g = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'region', name: 'South only', propertyIds: [south] } });
    expect((await portfolio(scoped.token, `groupId=${g.json.id}&${RANGE}`)).status).toBe(403);
    expect((await portfolio(noReports.token, `groupId=${brand}&${RANGE}`)).status).toBe(403);
  });

  it('covers every property with groupId=all, and answers 404 for a group of another tenant', async () => {
    const all = await portfolio(owner, `groupId=all&${RANGE}&granularity=month&compare=`);
    expect(all.status).toBe(200);
    expect(all.json.group).toBeNull();
    expect(all.json.coverage.propertyCount).toBe(3);
    expect(all.json.totals.map((x: Json) => x.currency)).toEqual(['EUR', 'GBP']);
    const theirs = await portfolio(owner, `groupId=${otherGroup}&${RANGE}`);
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain('Elsewhere');
  });

  it('refuses invalid queries with a 400 naming the parameter', async () => {
    for (const [query, field] of [
      [RANGE, 'query.groupId'],
      [`groupId=${brand}&from=2026-03-15&to=2026-03-14`, 'query.from'],
      [`groupId=${brand}&${RANGE}&granularity=quarter`, 'query.granularity'],
      [`groupId=${brand}&${RANGE}&compare=nextYear`, 'query.compare'],
      [`groupId=${brand}&${RANGE}&propertyId=${north}`, 'query'],
      [`groupId=a/b&${RANGE}`, 'query.groupId'],
      [`groupId=${brand}&from=2026-02-30&to=2026-03-01`, 'query.from'],
    ] as const) {
      const res = await portfolio(owner, query);
      expect([query, res.status]).toEqual([query, 400]);
      expect([query, res.json.errors?.[0]?.field]).toEqual([query, field]);
    }
  });

  it('answers CSV with the totals as rows, and 304 to a matching If-None-Match', async () => {
    const csv = await portfolio(owner, `groupId=${brand}&${RANGE}&granularity=month&compare=`, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines[0]).toContain('revenue (currency)');
    const totalRows = lines.filter((l) => l.startsWith('Portfolio total (EUR),EUR,total,'));
    expect(totalRows).toHaveLength(1);
    expect(totalRows[0]).toContain(',32000.75,');
    expect(lines.some((l) => l.startsWith('Portfolio total (GBP),GBP,'))).toBe(true);

    const json = await portfolio(owner, `groupId=${brand}&${RANGE}`);
    const etag = json.headers.get('etag') as string;
    expect(etag).toMatch(/^"/);
    expect(json.headers.get('x-store-reads')).toMatch(/^\d+$/);
    const again = await portfolio(owner, `groupId=${brand}&${RANGE}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
  });
});
