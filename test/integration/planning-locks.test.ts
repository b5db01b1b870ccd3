import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, sendAndWait, type CreatedIntegration } from './integrations-helpers.js';
import { connectorHotel, departmentMonth } from './connectors-helpers.js';
import { localDateHour } from '../../shared/integrations/properties.js';
import type { FactItem } from '../../shared/integrations/model.js';
import { addDays } from '../fakes/vendors/square/dataset.js';
import { expectedMonth, toastIntegration } from '../fakes/vendors/toast/hotel.js';
import { startToastFake, type ToastFake } from '../fakes/vendors/toast/server.js';

/**
 * Period locking through HTTP (docs/planning.md, "Period locking and pending adjustments"): a
 * locked month keeps its figures while webhook deliveries and connector runs into it become
 * pending adjustments with their before/after figures; approving writes them (reports change),
 * discarding drops them; unlocking applies nothing held. Permissions and audit events included.
 */

const host = useTestHost();
let t: SeededTenant;
let owner: string;
let p0: string;
let fb: string;
let reader: SeededUser;
let pos: CreatedIntegration;
const OCT = { from: '2026-10-01', to: '2026-10-31' };
const NOV = { from: '2026-11-01', to: '2026-11-30' };

type Adjustment = { id: string; status: string; importId: string; periods: string[]; upserts: number; deletions: number; differences: Array<{ date: string; departmentId: string | null; measure: string; scenario: string; before: number; after: number }>; applied?: Record<string, number> };

const record = (id: string, businessDate: string, netRevenue: number, covers: number) => ({ id, businessDate, outlet: 'FB', netRevenue, covers, checks: 1 });
const lock = (token: string, period: string, action: 'lock' | 'unlock' = 'lock', headers: Record<string, string> = {}) =>
  host.request('POST', `/api/v1/planning/periods/${p0}/${period}/${action}`, { token, headers });
const adjustments = async (query: string) => {
  const res = await host.request('GET', `/api/v1/planning/adjustments?${query}`, { token: owner });
  expect(res.status).toBe(200);
  return res.json.items as Adjustment[];
};

beforeAll(async () => {
  t = await seedTenant(host);
  owner = t.users.owner.token;
  p0 = t.propertyIds[0] as string;
  fb = (t.departmentIds[p0] as string[])[1] as string;
  const role = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Planning readers', permissions: ['planning.read', 'reports.rp.read'] } });
  expect(role.status).toBe(201);
  reader = await createUser(host, t.slug, owner, { email: `planner@${t.slug}.example`, roles: [{ roleId: role.json.id, scope: { all: true } }] });
  pos = await createIntegration(host, owner, { propertyId: p0, sourceType: 'pos' });
  const first = await sendAndWait(host, owner, pos, { records: [record('Z-1005', '2026-10-05', 100, 10)] });
  expect(first.status).toBe('accepted');
});

describe('locking a month', () => {
  it('needs planning.approve over the property, refuses a repeat, honours If-Match, and is listed', async () => {
    expect((await lock(reader.token, '2026-10')).status).toBe(403);
    expect((await host.request('POST', `/api/v1/planning/periods/${p0}/2026-13/lock`, { token: owner })).status).toBe(400);
    expect((await host.request('POST', '/api/v1/planning/periods/no-such-hotel/2026-10/lock', { token: owner })).status).toBe(404);
    // If-Match names a version of the lock item; there is none yet.
    expect((await lock(owner, '2026-10', 'lock', { 'if-match': '"nope"' })).status).toBe(412);
    const locked = await lock(owner, '2026-10');
    expect(locked.status).toBe(200);
    expect(locked.json).toMatchObject({ propertyId: p0, period: '2026-10', locked: true, lockedBy: t.users.owner.id });
    expect(locked.headers.get('etag')).toMatch(/^"/);
    expect((await lock(owner, '2026-10')).status).toBe(409);
    expect((await lock(owner, '2026-10', 'unlock', { 'if-match': '"stale"' })).status).toBe(412);

    const listed = await host.request('GET', `/api/v1/planning/periods?propertyId=${p0}`, { token: reader.token });
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([expect.objectContaining({ period: '2026-10', locked: true })]);
    expect((await host.request('GET', `/api/v1/planning/periods?propertyId=${p0}`, { token: t.users.endUser.token })).status).toBe(403);
  });

  it('holds a webhook correction into the locked month as one pending adjustment; the open month flows; reports flag the lock', async () => {
    const imp = await sendAndWait(host, owner, pos, { records: [record('Z-1005', '2026-10-05', 150, 12), record('Z-1006', '2026-10-06', 50, 5), record('Z-1102', '2026-11-02', 70, 7)] });
    expect(imp.status).toBe('accepted');
    expect(imp.counts).toMatchObject({ accepted: 3, upserted: 1, held: 2, adjustmentId: expect.stringMatching(/^adj_/) });

    expect(await departmentMonth(host, owner, p0, fb, OCT)).toMatchObject({ revenue: 100, covers: 10 });
    expect(await departmentMonth(host, owner, p0, fb, NOV)).toMatchObject({ revenue: 70, covers: 7 });
    const rp = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${p0}&from=2026-10-01&to=2026-11-30&granularity=month&compare=`, { token: owner });
    expect(rp.json.meta.lockedPeriods).toEqual({ [p0]: ['2026-10'] });
    const pnl = await host.request('GET', `/api/v1/reports/profit-loss?propertyId=${p0}&from=2026-11-01&to=2026-11-30&granularity=month&compare=`, { token: owner });
    expect(pnl.json.meta.lockedPeriods).toEqual({});

    const [held] = await adjustments(`propertyId=${p0}&status=pending`);
    expect(held).toMatchObject({ id: imp.counts.adjustmentId, status: 'pending', periods: ['2026-10'], upserts: 2, deletions: 0, integrationId: pos.id, importId: imp.id, sourceType: 'pos' });
    const diff = (date: string, measure: string) => held?.differences.find((d) => d.date === date && d.departmentId === fb && d.measure === measure);
    expect(diff('2026-10-05', 'revenue')).toMatchObject({ scenario: 'actual', before: 100, after: 150 });
    expect(diff('2026-10-05', 'covers')).toMatchObject({ before: 10, after: 12 });
    expect(diff('2026-10-06', 'revenue')).toMatchObject({ before: 0, after: 50 });

    const status = await host.request('GET', '/api/v1/integrations/status', { token: owner });
    expect(status.json.items.find((s: { integrationId: string }) => s.integrationId === pos.id).pendingAdjustments).toBe(1);
  });

  it('lets a resend of the stored values through (no adjustment)', async () => {
    const same = await sendAndWait(host, owner, pos, { records: [record('Z-1005', '2026-10-05', 100, 10)] });
    expect(same.counts).toMatchObject({ unchanged: 1 });
    expect(same.counts.held).toBeUndefined();
    expect(await adjustments(`propertyId=${p0}`)).toHaveLength(1);
  });

  it('approves: the held changes reach the facts and the reports once; a second decision is a 409; planning.read may not decide', async () => {
    const [held] = await adjustments(`propertyId=${p0}&status=pending`);
    const id = held?.id as string;
    expect((await host.request('POST', `/api/v1/planning/adjustments/${id}/approve`, { token: reader.token })).status).toBe(403);
    const one = await host.request('GET', `/api/v1/planning/adjustments/${id}`, { token: reader.token });
    expect(one.status).toBe(200);
    expect((await host.request('POST', `/api/v1/planning/adjustments/${id}/approve`, { token: owner, headers: { 'if-match': '"stale"' } })).status).toBe(412);
    const approved = await host.request('POST', `/api/v1/planning/adjustments/${id}/approve`, { token: owner, headers: { 'if-match': one.headers.get('etag') as string } });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', decidedBy: t.users.owner.id, applied: { upserted: 2, unchanged: 0, deleted: 0, superseded: 0 } });
    expect(await departmentMonth(host, owner, p0, fb, OCT)).toMatchObject({ revenue: 200, covers: 17 });
    expect((await host.request('POST', `/api/v1/planning/adjustments/${id}/approve`, { token: owner })).status).toBe(409);
    expect((await host.request('POST', `/api/v1/planning/adjustments/${id}/discard`, { token: owner })).status).toBe(409);
    expect(await departmentMonth(host, owner, p0, fb, OCT)).toMatchObject({ revenue: 200, covers: 17 });
    expect(await adjustments(`propertyId=${p0}&status=approved`)).toHaveLength(1);
  });

  it('makes one adjustment of a run however often it is delivered', async () => {
    const [stored] = await host.app.store.collection<FactItem>('facts', t.tenantId).scoped(p0).all<FactItem>("SELECT * FROM c WHERE c.type = 'fact' AND c.date = '2026-10-05'");
    const draft = { ...(stored as FactItem), digest: 'redelivered', contributions: [{ departmentId: fb, measures: { revenue: 999, covers: 1 } }] };
    const batch = { tenantId: t.tenantId, propertyId: p0, integrationId: pos.id, importId: 'imp_redelivered', run: 1, sourceType: 'pos' as const, upserts: [draft], deletions: [], labourCost: async () => undefined };
    const first = await host.app.adjustments.split(batch);
    const again = await host.app.adjustments.split(batch);
    expect(first).toMatchObject({ held: 1, upserts: [], adjustmentId: expect.stringMatching(/^adj_/) });
    expect(again).toEqual(first);
    const pending = await adjustments(`propertyId=${p0}&status=pending`);
    expect(pending.map((a) => a.id)).toEqual([first.adjustmentId]);
    expect((await host.request('POST', `/api/v1/planning/adjustments/${first.adjustmentId}/discard`, { token: owner })).status).toBe(200);
    expect(await departmentMonth(host, owner, p0, fb, OCT)).toMatchObject({ revenue: 200 });
  });

  it('discards: a deletion held in the locked month is dropped and the month keeps its figures', async () => {
    const imp = await sendAndWait(host, owner, pos, { records: [{ id: 'Z-1006', deleted: true }] });
    expect(imp.counts).toMatchObject({ held: 1, deleted: 0 });
    const [held] = await adjustments(`propertyId=${p0}&status=pending`);
    expect(held).toMatchObject({ upserts: 0, deletions: 1 });
    expect(held?.differences.find((d) => d.measure === 'revenue')).toMatchObject({ date: '2026-10-06', before: 50, after: 0 });
    const discarded = await host.request('POST', `/api/v1/planning/adjustments/${held?.id}/discard`, { token: owner });
    expect(discarded.status).toBe(200);
    expect(discarded.json.status).toBe('discarded');
    expect(await departmentMonth(host, owner, p0, fb, OCT)).toMatchObject({ revenue: 200, covers: 17 });
  });

  it('unlocking applies nothing held; imports after the unlock are written as usual', async () => {
    const imp = await sendAndWait(host, owner, pos, { records: [record('Z-1007', '2026-10-07', 30, 3)] });
    expect(imp.counts.held).toBe(1);
    const unlocked = await lock(owner, '2026-10', 'unlock');
    expect(unlocked.status).toBe(200);
    expect(unlocked.json).toMatchObject({ locked: false, unlockedBy: t.users.owner.id });
    expect((await lock(owner, '2026-10', 'unlock')).status).toBe(409);
    expect(await adjustments(`propertyId=${p0}&status=pending`)).toHaveLength(1);
    expect(await departmentMonth(host, owner, p0, fb, OCT)).toMatchObject({ revenue: 200 });

    const after = await sendAndWait(host, owner, pos, { records: [record('Z-1008', '2026-10-08', 40, 4)] });
    expect(after.counts).toMatchObject({ upserted: 1 });
    expect(after.counts.held).toBeUndefined();
    expect(await departmentMonth(host, owner, p0, fb, OCT)).toMatchObject({ revenue: 240 });
    const rp = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${p0}&from=2026-10-01&to=2026-10-31&granularity=month&compare=`, { token: owner });
    expect(rp.json.meta.lockedPeriods).toEqual({});
  });

  it('audits every lock, unlock, hold, approval and discard', async () => {
    await host.app.broker?.idle();
    const count = async (action: string) => (await host.request('GET', `/api/v1/audit?action=${action}&limit=200`, { token: owner })).json.items.length;
    expect(await count('planning.period_locked')).toBe(1);
    expect(await count('planning.period_unlocked')).toBe(1);
    expect(await count('planning.adjustment_held')).toBe(4);
    expect(await count('planning.adjustment_approved')).toBe(1);
    expect(await count('planning.adjustment_discarded')).toBe(2);
    const unlocked = await host.request('GET', '/api/v1/audit?action=planning.period_unlocked', { token: owner });
    expect(unlocked.json.items[0].details).toMatchObject({ propertyId: p0, period: '2026-10', pendingAdjustments: 1 });
  });
});

describe('payroll figures of a held time record', () => {
  it('are listed only to callers with payroll.read, as in reports', async () => {
    expect((await lock(owner, '2026-11')).status).toBe(200);
    const tms = await createIntegration(host, owner, { propertyId: p0, sourceType: 'tms' });
    const imp = await sendAndWait(host, owner, tms, { records: [{ id: 'T-1', employeeNumber: 'E1', department: 'FB', date: '2026-11-10', productiveHours: 8, labourCost: 200 }] });
    expect(imp.counts.held).toBe(1);
    const own = await adjustments(`propertyId=${p0}&status=pending`);
    const held = own.find((a) => a.importId === imp.id) as Adjustment;
    expect(held.differences.map((d) => [d.measure, d.before, d.after])).toEqual(expect.arrayContaining([['productiveHours', 0, 8], ['labourCost', 0, 200]]));
    const seen = await host.request('GET', `/api/v1/planning/adjustments/${held.id}`, { token: reader.token });
    expect(seen.status).toBe(200);
    expect(seen.json.differences.map((d: { measure: string }) => d.measure)).toContain('productiveHours');
    expect(seen.json.differences.map((d: { measure: string }) => d.measure)).not.toContain('labourCost');
    expect((await host.request('POST', `/api/v1/planning/adjustments/${held.id}/discard`, { token: owner })).status).toBe(200);
  });
});

describe('a connector run into a locked month', () => {
  const CLIENT = { clientId: 'toast-lock-client', clientSecret: 'toast-lock-secret' };
  let fake: ToastFake;
  let month: { from: string; to: string };

  beforeAll(async () => {
    const today = localDateHour(new Date(), 'Europe/Vienna').date;
    const to = addDays(`${today.slice(0, 7)}-01`, -1);
    month = { from: `${to.slice(0, 7)}-01`, to };
    fake = await startToastFake({ from: addDays(month.from, -2), to: addDays(month.to, 2), ...CLIENT });
  });
  afterAll(() => fake.close());

  it('holds the backfill as pending adjustments, the report unchanged until they are approved', async () => {
    const hotel = await connectorHotel(host);
    const fbOf = hotel.departments.FB;
    const locked = await host.request('POST', `/api/v1/planning/periods/${hotel.propertyId}/${month.from.slice(0, 7)}/lock`, { token: hotel.owner });
    expect(locked.status).toBe(200);
    const pull = await host.request('POST', '/api/v1/integrations', { token: hotel.owner, body: { ...toastIntegration(hotel.propertyId, fake.url, fbOf), kind: 'pull', name: 'Toast', credentials: CLIENT } });
    expect(pull.status).toBe(201);
    expect((await host.request('POST', `/api/v1/integrations/${pull.json.id}/backfill`, { token: hotel.owner, body: month })).status).toBe(202);
    await host.app.broker?.idle();

    const expected = expectedMonth(fake.data, month, addDays);
    expect(expected.revenue).toBeGreaterThan(0);
    expect(await departmentMonth(host, hotel.owner, hotel.propertyId, fbOf, month)).toMatchObject({ revenue: 0, covers: 0 });

    const list = await host.request('GET', `/api/v1/planning/adjustments?propertyId=${hotel.propertyId}&status=pending`, { token: hotel.owner });
    const pending = list.json.items as Adjustment[];
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((a) => a.periods.includes(month.from.slice(0, 7)))).toBe(true);
    const heldRevenue = pending.flatMap((a) => a.differences).filter((d) => d.measure === 'revenue' && d.departmentId === fbOf && d.date >= month.from && d.date <= month.to);
    expect(heldRevenue.reduce((s, d) => s + d.after - d.before, 0)).toBeCloseTo(expected.revenue, 2);
    const status = await host.request('GET', '/api/v1/integrations/status', { token: hotel.owner });
    expect(status.json.items.find((s: { integrationId: string }) => s.integrationId === pull.json.id).pendingAdjustments).toBe(pending.length);

    for (const a of pending) expect((await host.request('POST', `/api/v1/planning/adjustments/${a.id}/approve`, { token: hotel.owner })).status).toBe(200);
    const actual = await departmentMonth(host, hotel.owner, hotel.propertyId, fbOf, month);
    expect(actual.revenue).toBeCloseTo(expected.revenue, 2);
    expect(actual.covers).toBe(expected.covers);
  });
});
