import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, sendAndWait } from './integrations-helpers.js';
import { filled } from './planning-helpers.js';
import type { PlanVersionItem } from '../../shared/planning/index.js';

/**
 * The planning upload centre end to end through HTTP: template → filled file → upload → submit →
 * approve (by another person) → R&P and P&L budget equal the approved figures and name the version;
 * a second approved version switches the reports; the workflow's permissions, four eyes and the
 * tenant setting that relaxes them; rejection with a comment; an invalid upload recorded and 422.
 *
 * Seeded property p0: departments FB and ROOMS. Everything happens in 2027 (no other data there).
 * An AMS budget line for FB of March (€5,000) is pushed first: the approved version replaces it.
 */

const host = useTestHost();
let t: SeededTenant;
let p0: string;
let p1: string;
let fb: string;
let rooms: string;
let planner: SeededUser;
let owner: string;
let admin: string;

const MONTHS = Array.from({ length: 12 }, (_, m) => `2027-${String(m + 1).padStart(2, '0')}`);

const template = (token: string, kind: string, propertyId: string, format = 'csv') => host.request('GET', `/api/v1/planning/templates/${kind}?propertyId=${propertyId}&year=2027&format=${format}`, { token });
const upload = (token: string, body: string, query: string) => host.request('POST', `/api/v1/planning/versions?${query}`, { token, rawBody: body, headers: { 'content-type': 'text/csv' } });
const step = async (token: string, id: string, action: string, body?: object) => {
  const current = await host.request('GET', `/api/v1/planning/versions/${id}`, { token: owner });
  return host.request('POST', `/api/v1/planning/versions/${id}/${action}`, { token, headers: { 'if-match': current.headers.get('etag') ?? '' }, ...(body ? { body } : {}) });
};

const rpMonth = (token: string, from = '2027-03-01', to = '2027-03-31', granularity = 'month') =>
  host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${p0}&from=${from}&to=${to}&granularity=${granularity}&compare=budget`, { token });
const pnlMonth = (token: string) => host.request('GET', `/api/v1/reports/profit-loss?propertyId=${p0}&from=2027-03-01&to=2027-03-31&granularity=month&compare=budget`, { token });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const budgetOf = (period: any, departmentId: string) => period.departments.find((d: { departmentId: string }) => d.departmentId === departmentId)?.budget?.revenue;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const pnlLine = (res: any, key: string) => res.json.properties[0].periods[0].lines.find((l: { key: string }) => l.key === key)?.budget;

let v1: string;

beforeAll(async () => {
  t = await seedTenant(host);
  owner = t.users.owner.token;
  admin = t.users.admin.token;
  [p0, p1] = t.propertyIds as [string, string];
  [rooms, fb] = t.departmentIds[p0] as [string, string];
  // A planner of property p0 only: may upload and submit there, not approve, not see p1.
  const role = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Planner', permissions: ['planning.read', 'planning.submit', 'reports.rp.read'] } });
  if (role.status !== 201) throw new Error(`role: ${role.status} ${role.text}`);
  planner = await createUser(host, t.slug, owner, { email: `planner@${t.slug}.example`, roles: [{ roleId: role.json.id, scope: { all: false, propertyIds: [p0] } }] });
  const ams = await createIntegration(host, admin, { propertyId: p0, sourceType: 'ams', mappings: { departments: {}, accounts: { '4100': 'revenue' } } });
  await sendAndWait(host, admin, ams, { records: [{ id: 'AMS-B-2027-03-FB', period: '2027-03', account: '4100', department: 'FB', amount: 5000, kind: 'budget' }] });
});

describe('planning versions over HTTP', () => {
  it('serves a template pre-filled with the departments, lines and months, as CSV and XLSX', async () => {
    const csv = await template(planner.token, 'budget', p0);
    expect(csv.status).toBe(200);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(['Department', 'Department name', 'Line', ...MONTHS].join(','));
    expect(lines[1]).toBe(`FB,Food & Beverage,revenue${','.repeat(12)}`);
    expect(lines.filter((l) => l.startsWith('ROOMS,')).map((l) => l.split(',')[2])).toEqual(['revenue', 'costOfSales', 'payrollAndRelated', 'otherExpenses', 'covers', 'productiveHours']);
    expect(lines.some((l) => l.startsWith('PROPERTY,Property,utilities,'))).toBe(true);
    const xlsx = await template(planner.token, 'targets', p0, 'xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect((await template(planner.token, 'budget', p1)).status).toBe(403);
    expect((await template(t.users.endUser.token, 'budget', p0)).status).toBe(403);
  });

  it('records an invalid upload and answers 422 with each row and column', async () => {
    const csv = (await template(planner.token, 'budget', p0)).text;
    const bad = filled(csv, { 'FB|revenue': { 2: 'lots' as unknown as number } }).replace('PROPERTY,Property,utilities', 'SPA,Spa,utilities');
    const res = await upload(planner.token, bad, `propertyId=${p0}&year=2027&kind=budget&filename=bad.csv`);
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual(
      expect.arrayContaining([
        { field: 'body.row.2.2027-03', message: "'lots' is not a number" },
        { field: expect.stringMatching(/^body\.row\.\d+\.Department$/), message: expect.stringContaining("'SPA' is not a department") },
      ]),
    );
    const recorded = await host.request('GET', res.headers.get('location') ?? '', { token: planner.token });
    expect(recorded.status).toBe(200);
    expect(recorded.json).toMatchObject({ status: 'invalid', number: 1, file: { name: 'bad.csv', format: 'csv' } });
    expect(recorded.json.issues).toEqual(expect.arrayContaining([{ row: 2, column: '2027-03', message: "'lots' is not a number" }]));
    // An invalid version never moves on.
    expect((await step(planner.token, recorded.json.id, 'submit')).status).toBe(409);
  });

  it('uploads, submits and approves (another person): reports use the approved figures and name the version', async () => {
    const csv = (await template(planner.token, 'budget', p0)).text;
    const body = filled(csv, { 'FB|revenue': { 2: 31000 }, 'ROOMS|revenue': { 2: 62000 }, 'PROPERTY|utilities': { 2: 3100 }, 'PROPERTY|roomsSold': { 2: 2480 } });
    // Without planning.submit: 403.
    expect((await upload(t.users.endUser.token, body, `propertyId=${p0}&year=2027&kind=budget`)).status).toBe(403);
    const res = await upload(planner.token, body, `propertyId=${p0}&year=2027&kind=budget&spread=even&filename=budget.csv`);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'draft', number: 2, spread: 'even', inForce: false, issues: [] });
    v1 = res.json.id;
    expect(res.json.rows).toEqual(expect.arrayContaining([{ departmentId: fb, line: 'revenue', months: [null, null, 31000, ...new Array(9).fill(null)] }]));

    // The AMS budget line holds the budget until a version is approved.
    expect(budgetOf((await rpMonth(owner)).json.properties[0].total, fb)).toBe(5000);

    expect((await step(planner.token, v1, 'approve')).status).toBe(403); // no planning.approve
    const submitted = await step(planner.token, v1, 'submit');
    expect(submitted.status).toBe(200);
    expect(submitted.json).toMatchObject({ status: 'submitted', submittedBy: planner.id });
    const approved = await step(admin, v1, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', approvedBy: t.users.admin.id, inForce: true });

    const rp = await rpMonth(owner);
    expect(rp.status).toBe(200);
    const total = rp.json.properties[0].total;
    expect(budgetOf(total, fb)).toBe(31000);
    expect(budgetOf(total, rooms)).toBe(62000);
    expect(rp.json.meta.plans[p0].budget).toEqual([{ versionId: v1, number: 2, year: 2027, approvedAt: approved.json.approvedAt }]);
    expect(rp.json.meta.plans[p0].forecast).toEqual([]);
    // Spread evenly over the 31 days of March, to the cent.
    const days = await rpMonth(owner, '2027-03-01', '2027-03-02', 'day');
    expect(days.json.properties[0].periods.map((p: unknown) => budgetOf(p, fb))).toEqual([1000, 1000]);

    const pnl = await pnlMonth(owner);
    expect(pnl.status).toBe(200);
    expect(pnlLine(pnl, 'revenue.total')).toBe(93000);
    expect(pnlLine(pnl, 'undistributed.utilities')).toBe(3100);
    expect(pnlLine(pnl, 'stats.roomsSold')).toBe(2480);
    expect(pnl.json.meta.plans[p0].budget[0].versionId).toBe(v1);

    const list = await host.request('GET', `/api/v1/planning/versions?propertyId=${p0}&year=2027&kind=budget`, { token: planner.token });
    expect(list.json.items.map((i: { number: number; status: string; inForce: boolean }) => [i.number, i.status, i.inForce])).toEqual([
      [2, 'approved', true],
      [1, 'invalid', false],
    ]);
  });

  it('switches reports to a newly approved version (v2), removing what v1 planned and v2 does not', async () => {
    const csv = (await template(planner.token, 'budget', p0)).text;
    const res = await upload(planner.token, filled(csv, { 'FB|revenue': { 2: 62000 } }), `propertyId=${p0}&year=2027&kind=budget`);
    expect(res.status).toBe(201);
    const v2 = res.json.id as string;
    const diff = await host.request('GET', `/api/v1/planning/versions/compare?a=${v1}&b=${v2}`, { token: planner.token });
    expect(diff.status).toBe(200);
    const fbRevenue = diff.json.lines.find((l: { departmentId: string; line: string }) => l.departmentId === fb && l.line === 'revenue');
    expect(fbRevenue.months[2]).toEqual({ period: '2027-03', a: 31000, b: 62000, difference: 31000 });
    expect(fbRevenue.months[3]).toEqual({ period: '2027-04', a: null, b: null, difference: null });

    expect((await step(planner.token, v2, 'submit')).status).toBe(200);
    const approved = await step(owner, v2, 'approve');
    expect(approved.status).toBe(200);
    const rp = await rpMonth(owner);
    expect(budgetOf(rp.json.properties[0].total, fb)).toBe(62000);
    expect(budgetOf(rp.json.properties[0].total, rooms) ?? 0).toBe(0);
    expect(rp.json.meta.plans[p0].budget).toEqual([{ versionId: v2, number: 3, year: 2027, approvedAt: approved.json.approvedAt }]);
    const first = await host.request('GET', `/api/v1/planning/versions/${v1}`, { token: planner.token });
    expect(first.json).toMatchObject({ status: 'approved', inForce: false });
    // Locking keeps the version; only an approved one can be locked.
    expect((await step(owner, v2, 'lock')).json).toMatchObject({ status: 'locked', inForce: true });
    expect((await step(owner, v2, 'lock')).status).toBe(409);
  });

  it('keeps four eyes unless the tenant allows self-approval; rejects with a comment', async () => {
    const csv = (await template(admin, 'forecast', p0)).text;
    const a = (await upload(admin, filled(csv, { 'FB|revenue': { 0: 100 } }), `propertyId=${p0}&year=2027&kind=forecast`)).json.id as string;
    expect((await step(admin, a, 'submit')).status).toBe(200);
    expect((await step(admin, a, 'approve')).status).toBe(403);
    expect((await step(admin, a, 'reject', { comment: 'mine' })).status).toBe(403);
    expect((await step(owner, a, 'reject')).status).toBe(400);
    const rejected = await step(owner, a, 'reject', { comment: 'January covers missing' });
    expect(rejected.status).toBe(200);
    expect(rejected.json.status).toBe('rejected');
    expect(rejected.json.history.at(-1)).toMatchObject({ status: 'rejected', by: t.users.owner.id, comment: 'January covers missing' });
    expect((await step(owner, a, 'approve')).status).toBe(409);

    const settings = await host.request('GET', '/api/v1/tenant/settings', { token: owner });
    expect(settings.json.planning).toEqual({ selfApproval: false });
    const changed = await host.request('PATCH', '/api/v1/tenant/settings', { token: owner, headers: { 'if-match': settings.headers.get('etag') ?? '' }, body: { planning: { selfApproval: true } } });
    expect(changed.status).toBe(200);
    expect(changed.json.planning).toEqual({ selfApproval: true });
    const b = (await upload(admin, filled(csv, { 'FB|revenue': { 0: 200 } }), `propertyId=${p0}&year=2027&kind=forecast`)).json.id as string;
    expect((await step(admin, b, 'submit')).status).toBe(200);
    expect((await step(admin, b, 'approve')).json).toMatchObject({ status: 'approved', inForce: true });
  });

  it('shows approved KPI targets beside the department rows of R&P, day-weighted over the months of a period', async () => {
    const csv = (await template(planner.token, 'targets', p0)).text;
    const res = await upload(planner.token, filled(csv, { 'FB|hpor': { 2: 0.5 }, 'FB|labourCostPct': { 2: 30, 3: 40 } }), `propertyId=${p0}&year=2027&kind=targets`);
    expect(res.status).toBe(201);
    expect((await step(planner.token, res.json.id, 'submit')).status).toBe(200);
    expect((await step(owner, res.json.id, 'approve')).status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const targetOf = (period: any, departmentId: string) => period.departments.find((d: { departmentId: string }) => d.departmentId === departmentId)?.target;
    const march = await rpMonth(owner);
    expect(targetOf(march.json.properties[0].total, fb)).toEqual({ hpor: 0.5, labourCostPct: 30 });
    expect(targetOf(march.json.properties[0].total, rooms)).toBeUndefined();
    expect(march.json.meta.plans[p0].targets).toEqual([expect.objectContaining({ versionId: res.json.id, year: 2027 })]);
    // 15 days of March at 30 %, 15 of April at 40 %.
    const across = await rpMonth(owner, '2027-03-17', '2027-04-15');
    expect(targetOf(across.json.properties[0].total, fb)).toEqual({ hpor: 0.5, labourCostPct: 35 });
  });

  it("keeps a planner to their property's versions and audits every transition", async () => {
    const csv = (await template(owner, 'budget', p1)).text;
    const other = await upload(owner, filled(csv, { 'FB|revenue': { 0: 1 } }), `propertyId=${p1}&year=2027&kind=budget`);
    expect(other.status).toBe(201);
    expect((await host.request('GET', `/api/v1/planning/versions/${other.json.id}`, { token: planner.token })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/planning/versions?propertyId=${p1}`, { token: planner.token })).status).toBe(403);
    expect((await step(planner.token, other.json.id, 'submit')).status).toBe(403);
    expect((await host.request('GET', `/api/v1/planning/versions/compare?a=${v1}&b=${other.json.id}`, { token: planner.token })).status).toBe(403);
    await host.app.broker?.idle();
    const audit = await host.request('GET', `/api/v1/audit?targetId=${encodeURIComponent(v1)}&limit=50`, { token: owner });
    const actions = audit.json.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['planning.version_uploaded', 'planning.version_submitted', 'planning.version_approved']));
  });
});

/**
 * What the version in force may not do: write into a locked month, be moved by two approvals at once,
 * or stay half-switched after an interrupted approval. Property p1, years 2028–2030 (nothing else there).
 */
describe('approvals, locked months and the version in force', () => {
  const uploadTo = async (kind: string, year: number, fill: Record<string, Record<number, number>>) => {
    const csv = (await host.request('GET', `/api/v1/planning/templates/${kind}?propertyId=${p1}&year=${year}&format=csv`, { token: admin })).text;
    const res = await upload(admin, filled(csv, fill), `propertyId=${p1}&year=${year}&kind=${kind}`);
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.text}`);
    expect((await step(admin, res.json.id, 'submit')).status).toBe(200);
    return res.json.id as string;
  };
  const period = (month: string, action: 'lock' | 'unlock') => host.request('POST', `/api/v1/planning/periods/${p1}/${month}/${action}`, { token: owner });
  const version = async (id: string) => (await host.request('GET', `/api/v1/planning/versions/${id}`, { token: owner })).json;
  const plansOf = async (year: number) => (await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${p1}&from=${year}-03-01&to=${year}-03-31&granularity=month&compare=budget`, { token: owner })).json;
  /** The first step of an approval as the service writes it (the status, through the store), and then nothing, as after a crash. */
  const interruptedApproval = async (id: string) => {
    const versions = host.app.store.collection<PlanVersionItem>('planning', t.tenantId);
    const item = (await versions.read(id)) as PlanVersionItem;
    const at = new Date().toISOString();
    await versions.replace({ ...item, status: 'approved', approvedBy: t.users.owner.id, approvedAt: at, updatedAt: at, history: [...item.history, { status: 'approved', at, by: t.users.owner.id }] }, item._etag);
    return at;
  };

  it('refuses (409, naming the months) an approval that would write into or take facts out of a locked month; approves once unlocked', async () => {
    expect((await period('2028-02', 'lock')).status).toBe(200);
    const february = await uploadTo('forecast', 2028, { 'FB|revenue': { 1: 2900 } });
    const refused = await step(owner, february, 'approve');
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.json).toMatchObject({ title: 'Period locked', errors: [{ field: 'period.2028-02', message: 'locked' }] });
    expect(refused.json.detail).toContain('unlock first');
    // Nothing written: the version is still submitted and nothing is in force.
    expect(await version(february)).toMatchObject({ status: 'submitted', inForce: false });
    expect((await plansOf(2028)).meta.plans[p1].forecast).toEqual([]);

    // A version outside the locked month is approved while the lock holds.
    const march = await uploadTo('budget', 2028, { 'FB|revenue': { 2: 3100 } });
    expect((await step(owner, march, 'approve')).json).toMatchObject({ status: 'approved', inForce: true });

    expect((await period('2028-02', 'unlock')).status).toBe(200);
    expect((await step(owner, february, 'approve')).json).toMatchObject({ status: 'approved', inForce: true });

    // Superseding it with a March-only forecast would take February's facts out: refused while February is locked.
    expect((await period('2028-02', 'lock')).status).toBe(200);
    const later = await uploadTo('forecast', 2028, { 'FB|revenue': { 2: 1000 } });
    const again = await step(owner, later, 'approve');
    expect(again.status).toBe(409);
    expect(again.json.errors).toEqual([{ field: 'period.2028-02', message: 'locked' }]);
    expect(await version(february)).toMatchObject({ status: 'approved', inForce: true });
    expect((await plansOf(2028)).meta.plans[p1].forecast).toEqual([expect.objectContaining({ versionId: february })]);
  });

  it('lets exactly one of two simultaneous approvals of the same property, year and kind win; the other writes nothing', async () => {
    const a = await uploadTo('budget', 2029, { 'FB|revenue': { 0: 1000, 1: 1000, 2: 1000 } });
    const b = await uploadTo('budget', 2029, { 'FB|revenue': { 0: 2000, 1: 2000, 2: 2000 } });
    const etags = await Promise.all([a, b].map(async (id) => (await host.request('GET', `/api/v1/planning/versions/${id}`, { token: owner })).headers.get('etag') ?? ''));
    const answers = await Promise.all([a, b].map((id, i) => host.request('POST', `/api/v1/planning/versions/${id}/approve`, { token: owner, headers: { 'if-match': etags[i] as string } })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const [winner, loser] = answers[0]?.status === 200 ? [a, b] : [b, a];
    expect(await version(winner)).toMatchObject({ status: 'approved', inForce: true });
    expect(await version(loser)).toMatchObject({ status: 'submitted', inForce: false });
    const rp = await plansOf(2029);
    expect(rp.meta.plans[p1].budget).toEqual([expect.objectContaining({ versionId: winner })]);
    expect(budgetOf(rp.properties[0].total, t.departmentIds[p1]?.[1] as string)).toBe(winner === a ? 1000 : 2000);
    // The loser is not stuck: approved afterwards, it supersedes the winner.
    expect((await step(owner, loser, 'approve')).json).toMatchObject({ status: 'approved', inForce: true });
    expect((await plansOf(2029)).meta.plans[p1].budget).toEqual([expect.objectContaining({ versionId: loser })]);
  });

  it('completes an approval interrupted after its status change when it is approved again', async () => {
    const id = await uploadTo('budget', 2030, { 'FB|revenue': { 2: 6200 } });
    const at = await interruptedApproval(id);
    expect(await version(id)).toMatchObject({ status: 'approved', inForce: false });
    expect((await plansOf(2030)).meta.plans[p1].budget).toEqual([]);

    const completed = await step(owner, id, 'approve');
    expect(completed.status).toBe(200);
    expect(completed.json).toMatchObject({ status: 'approved', inForce: true, approvedAt: at });
    const rp = await plansOf(2030);
    expect(rp.meta.plans[p1].budget).toEqual([{ versionId: id, number: 1, year: 2030, approvedAt: at }]);
    expect(budgetOf(rp.properties[0].total, t.departmentIds[p1]?.[1] as string)).toBe(6200);
    // Once in force, approving again is the ordinary refusal.
    expect((await step(owner, id, 'approve')).status).toBe(409);
  });

  it('completes an interrupted approval of a version locked meanwhile', async () => {
    const id = await uploadTo('budget', 2031, { 'FB|revenue': { 2: 3100 } });
    await interruptedApproval(id);
    expect((await step(owner, id, 'lock')).json).toMatchObject({ status: 'locked', inForce: false });
    expect((await step(owner, id, 'approve')).json).toMatchObject({ status: 'locked', inForce: true });
    expect((await plansOf(2031)).meta.plans[p1].budget).toEqual([expect.objectContaining({ versionId: id })]);
  });
});
