import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { answerSome } from '../support/store-faults.js';
import { createIntegration, itemsOf, send, sendAndWait } from './integrations-helpers.js';
import { StoreError } from '../../shared/platform/cosmos/errors.js';
import { FORMATS, SOURCE_TYPES } from '../../shared/integrations/formats/index.js';
import { demoBatches } from '../../shared/integrations/demo-data.js';
import type { FactItem } from '../../shared/integrations/model.js';
import { rawContainerName } from '../../shared/integrations/raw-store.js';

const host = useTestHost({ BUS_MAX_DELIVERY_COUNT: '10' });
let t: SeededTenant;
let other: SeededTenant;
let admin: string;
let rooms: string;
let fb: string;

beforeAll(async () => {
  t = await seedTenant(host);
  other = await seedTenant(host);
  admin = t.users.admin.token;
  [rooms, fb] = t.departmentIds[t.propertyIds[0] as string] as [string, string];
});

type Agg = Record<string, unknown> & { id: string; date: string; departmentId: string | null; scenario: string; usali: Record<string, number>; factCount: number };

async function aggregate(propertyId: string, date: string, departmentId: string | null, scenario: string): Promise<Agg | undefined> {
  return host.app.store.collection('aggregates', t.tenantId).scoped(propertyId).read<Agg & { tenantId: string; type: string }>(`agg:${propertyId}:${date}:${departmentId ?? '_property'}:${scenario}`);
}

const pos = (id: string, date: string, netRevenue: number, covers = 10) => ({ id, businessDate: date, outlet: 'FB', netRevenue, covers, checks: Math.ceil(covers / 2) });

describe('processing per source type', () => {
  it.each(SOURCE_TYPES)('%s: a valid batch is accepted, an invalid one rejected with per-record errors', async (type) => {
    const [rooms1, fb1] = t.departmentIds[t.propertyIds[1] as string] as [string, string];
    // The examples use their own department codes: map them to the property's departments.
    const integration = await createIntegration(host, admin, {
      propertyId: t.propertyIds[1],
      sourceType: type,
      mappings: {
        departments: { REST: fb1, BAR: fb1, HK: rooms1, BANQ: fb1 },
        accounts: type === 'ams' ? { '4100': 'revenue', '5100': 'costOfSales', '7200': 'utilities' } : {},
      },
    });
    const ok = await sendAndWait(host, admin, integration, FORMATS[type].example.json as object);
    expect(ok.status).toBe('accepted');
    expect(ok.errors ?? []).toEqual([]);
    expect(ok.counts.accepted).toBe((FORMATS[type].example.json as { records: unknown[] }).records.length);
    const bad = await sendAndWait(host, admin, integration, { records: [{ id: 'x', date: 'yesterday' }] });
    expect(bad.status).toBe('rejected');
    expect(bad.errors.length).toBeGreaterThan(0);
    expect(bad.errors[0]).toMatchObject({ path: '$.records[0]', field: expect.any(String), message: expect.any(String) });
  });

  it('reads CSV bodies (BOM, semicolons, quoted fields) and reports CSV rows', async () => {
    const integration = await createIntegration(host, admin, { propertyId: t.propertyIds[0], sourceType: 'pos', format: 'csv' });
    const csv = '\ufeffid;businessDate;outlet;netRevenue;covers;checks\r\n"CSV;1";2025-06-01;FB;1000,50;40;20\r\nCSV-2;2025-06-01;FB;abc;1;1\r\n';
    const imp = await sendAndWait(host, admin, integration, csv, { contentType: 'text/csv' });
    expect(imp.status).toBe('partial');
    expect(imp.errors).toEqual([{ row: 3, recordId: 'CSV-2', field: 'netRevenue', message: expect.any(String) }]);
    expect(await aggregate(t.propertyIds[0] as string, '2025-06-01', fb, 'actual')).toMatchObject({ revenue: 1000.5, covers: 40, checks: 20 });
  });

  it('builds department and property aggregates with deterministic ids from every source', async () => {
    const p = t.propertyIds[0] as string;
    const mk = (sourceType: string, extra: Record<string, unknown> = {}) => createIntegration(host, admin, { propertyId: p, sourceType, ...extra });
    const date = '2025-07-10';
    await sendAndWait(host, admin, await mk('pms'), { records: [{ id: 'D1', date, roomsAvailable: 100, outOfOrder: 2, roomsSold: 80, complimentary: 3, roomRevenue: 12000, guests: 130, arrivals: 30, departures: 28 }] });
    await sendAndWait(host, admin, await mk('tms'), {
      records: [
        { id: 'T1', employeeNumber: 'E-501', department: 'ROOMS', date, productiveHours: 8, nonProductiveHours: 0.5, labourCost: 200.1 },
        { id: 'T2', employeeNumber: 'E-502', department: 'ROOMS', date, productiveHours: 6.25, labourCost: 150.2 },
      ],
    });
    await sendAndWait(host, admin, await mk('snc'), { records: [{ id: 'EV1', date, department: 'FB', rentalDepartment: 'ROOMS', foodAndBeverageRevenue: 5000, roomRentalRevenue: 800, attendees: 90, groupRooms: 20 }] });
    await sendAndWait(host, admin, await mk('rms'), { records: [{ id: 'F1', date, rooms: 85, adr: 150 }] });
    await sendAndWait(host, admin, await mk('ams', { mappings: { accounts: { '4000': 'revenue', '5000': 'costOfSales', '8600': 'managementFees' } } }), {
      records: [
        { id: 'A1', date, account: '4000', department: 'FB', amount: 5100, kind: 'actual' },
        { id: 'A2', date, account: '5000', department: 'FB', amount: 1400, kind: 'actual' },
        { id: 'A3', date, account: '5000', department: 'FB', amount: 1300, kind: 'budget' },
        { id: 'A4', date, account: '8600', amount: 300, kind: 'forecast' },
      ],
    });
    expect(await aggregate(p, date, null, 'actual')).toMatchObject({
      level: 'property',
      roomsAvailable: 100,
      outOfOrder: 2,
      roomsSold: 80,
      complimentary: 3,
      roomRevenue: 12000,
      guests: 130,
      arrivals: 30,
      departures: 28,
      groupRooms: 20,
      sources: { pms: 1, snc: 1 },
    });
    expect(await aggregate(p, date, rooms, 'actual')).toMatchObject({ level: 'department', productiveHours: 14.25, nonProductiveHours: 0.5, labourCost: 350.3, revenue: 800 });
    expect(await aggregate(p, date, fb, 'actual')).toMatchObject({ revenue: 5000, eventAttendees: 90, usali: { revenue: 5100, costOfSales: 1400 } });
    expect(await aggregate(p, date, fb, 'budget')).toMatchObject({ usali: { costOfSales: 1300 }, factCount: 1 });
    expect(await aggregate(p, date, null, 'forecast')).toMatchObject({ roomsSold: 85, roomRevenue: 12750, usali: { managementFees: 300 } });
    // A report reads a date range of a property with one single-partition query.
    const range = await host.app.store
      .collection('aggregates', t.tenantId)
      .all<Agg>("SELECT * FROM c WHERE c.type = 'dailyAggregate' AND c.propertyId = @p AND c.date >= @from AND c.date <= @to", { p, from: date, to: date });
    expect(range.map((r) => r.id).sort()).toEqual(
      [`agg:${p}:${date}:_property:actual`, `agg:${p}:${date}:_property:forecast`, `agg:${p}:${date}:${rooms}:actual`, `agg:${p}:${date}:${fb}:actual`, `agg:${p}:${date}:${fb}:budget`].sort(),
    );
  });
});

describe('large bodies', () => {
  it('stores a large body compressed and sealed as a blob in the tenant raw container and reads it back whole', async () => {
    const { randomBytes } = await import('node:crypto');
    const integration = await createIntegration(host, admin, { propertyId: t.propertyIds[0], sourceType: 'pos', format: 'csv' });
    const rows = Array.from({ length: 12_000 }, () => `${randomBytes(96).toString('base64url')},2025-05-01,NOPE,1`);
    const csv = `id,businessDate,outlet,netRevenue\n${rows.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(1_500_000);
    const imp = await sendAndWait(host, admin, integration, csv, { contentType: 'text/csv' });
    expect(imp.raw).toMatchObject({ encoding: 'gzip' });
    // Over the inline limit: one sealed blob (docs/integrations.md, "Claim-check store"), read back whole for processing.
    expect(imp.raw).toMatchObject({ chunks: 0, blob: imp.id });
    expect(imp).toMatchObject({ status: 'rejected', counts: { records: 12_000, rejected: 12_000 }, errorCount: 12_000 });
    expect(imp.errors).toHaveLength(1000);
    const stored = await host.app.blobs.get(rawContainerName(t.tenantId), imp.id);
    expect(stored).toBeDefined();
    expect(stored!.bytes.toString('utf8')).not.toContain(rows[0]?.slice(0, 32));
    expect(await itemsOf(host, 'imports', t.tenantId, 'importRaw')).toEqual([]);
  });
});

describe('idempotency, corrections and deletions', () => {
  it('leaves one fact and unchanged aggregates after the same batch three times', async () => {
    const integration = await createIntegration(host, admin, { propertyId: t.propertyIds[0], sourceType: 'pos' });
    const batch = { records: [pos('I-1', '2025-08-01', 100), pos('I-2', '2025-08-01', 50)] };
    const first = await sendAndWait(host, admin, integration, batch);
    const agg1 = await aggregate(t.propertyIds[0] as string, '2025-08-01', fb, 'actual');
    const second = await sendAndWait(host, admin, integration, batch);
    const third = await sendAndWait(host, admin, integration, batch);
    expect(first.counts).toMatchObject({ upserted: 2, unchanged: 0 });
    expect(second.counts).toMatchObject({ upserted: 0, unchanged: 2, aggregatesWritten: 0, storeWrites: 0 });
    expect(third.counts).toMatchObject({ upserted: 0, unchanged: 2, storeWrites: 0 });
    const facts = await itemsOf<{ sourceRecordId: string }>(host, 'facts', t.tenantId, 'fact');
    expect(facts.filter((f) => f.sourceRecordId === 'I-1')).toHaveLength(1);
    const agg3 = await aggregate(t.propertyIds[0] as string, '2025-08-01', fb, 'actual');
    expect(agg3).toMatchObject({ revenue: 150, covers: 20, factCount: 2 });
    expect(agg3?._etag).toBe(agg1?._etag);
    // The receipt leaves its queue message in the import record; the outcome write clears it.
    const records = await itemsOf<{ id: string; pendingMessages?: unknown }>(host, 'imports', t.tenantId, 'import');
    const done = records.filter((r) => [first.id, second.id, third.id].includes(r.id));
    expect(done).toHaveLength(3);
    for (const r of done) expect(r.pendingMessages).toBeUndefined();
  });

  it('replaces a corrected record, moves it between days, and removes deleted records', async () => {
    const p = t.propertyIds[0] as string;
    const integration = await createIntegration(host, admin, { propertyId: p, sourceType: 'pos' });
    await sendAndWait(host, admin, integration, { records: [pos('C-1', '2025-09-01', 100), pos('C-2', '2025-09-01', 40)] });
    await sendAndWait(host, admin, integration, { records: [pos('C-1', '2025-09-01', 120)] });
    expect(await aggregate(p, '2025-09-01', fb, 'actual')).toMatchObject({ revenue: 160, factCount: 2 });
    await sendAndWait(host, admin, integration, { records: [pos('C-2', '2025-09-02', 40)] });
    expect(await aggregate(p, '2025-09-01', fb, 'actual')).toMatchObject({ revenue: 120, factCount: 1 });
    expect(await aggregate(p, '2025-09-02', fb, 'actual')).toMatchObject({ revenue: 40 });
    const del = await sendAndWait(host, admin, integration, { records: [{ id: 'C-1', deleted: true }, { id: 'never-sent', deleted: true }] });
    expect(del.counts).toMatchObject({ accepted: 2, deleted: 1 });
    expect(await aggregate(p, '2025-09-01', fb, 'actual')).toMatchObject({ revenue: 0, covers: 0, factCount: 0 });
  });

  it('accepts the valid rows of a partial batch (row-level) and nothing of it (all-or-nothing)', async () => {
    const p = t.propertyIds[0] as string;
    const batch = { records: [pos('P-1', '2025-10-01', 10), { ...pos('P-2', '2025-10-01', 10), outlet: 'NOPE' }, { id: 'P-3', businessDate: '2025-10-01' }] };
    const rowLevel = await createIntegration(host, admin, { propertyId: p, sourceType: 'pos', acceptance: 'row-level' });
    const partial = await sendAndWait(host, admin, rowLevel, batch);
    expect(partial).toMatchObject({ status: 'partial', counts: { records: 3, accepted: 1, rejected: 2 } });
    expect(partial.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '$.records[1]', field: 'outlet' }),
        expect.objectContaining({ path: '$.records[2]', field: 'outlet' }),
        expect.objectContaining({ path: '$.records[2]', field: 'netRevenue' }),
      ]),
    );
    expect(await aggregate(p, '2025-10-01', fb, 'actual')).toMatchObject({ revenue: 10 });
    const strict = await createIntegration(host, admin, { propertyId: p, sourceType: 'pos', acceptance: 'all-or-nothing' });
    const rejected = await sendAndWait(host, admin, strict, { records: [pos('S-1', '2025-10-02', 10), { ...pos('S-2', '2025-10-02', 10), outlet: 'NOPE' }] });
    expect(rejected).toMatchObject({ status: 'rejected', counts: { accepted: 0, rejected: 1 } });
    expect(await aggregate(p, '2025-10-02', fb, 'actual')).toBeUndefined();
  });
});

describe('isolation and personal data', () => {
  it("an integration of one tenant can't write another tenant's facts, however the body is crafted", async () => {
    const integration = await createIntegration(host, admin, { propertyId: t.propertyIds[0], sourceType: 'pos' });
    const before = (await itemsOf(host, 'facts', other.tenantId)).length;
    const crafted = await sendAndWait(host, admin, integration, { tenantId: other.tenantId, records: [pos('X-1', '2025-11-01', 1)] });
    expect(crafted.status).toBe('rejected');
    const inRecord = await sendAndWait(host, admin, integration, {
      records: [{ ...pos('X-2', '2025-11-01', 1), tenantId: other.tenantId, propertyId: other.propertyIds[0] }, { ...pos('X-3', '2025-11-01', 1), outlet: other.departmentIds[other.propertyIds[0] as string]?.[1] }],
    });
    expect(inRecord.status).toBe('rejected');
    expect((await itemsOf(host, 'facts', other.tenantId)).length).toBe(before);
    expect((await itemsOf(host, 'aggregates', other.tenantId)).length).toBe(0);
  });

  it('never stores employee numbers or per-employee costs in clear', async () => {
    const integration = await createIntegration(host, admin, { propertyId: t.propertyIds[0], sourceType: 'tms' });
    const records = [
      { id: 'TR-1', employeeNumber: 'EMP-77123', department: 'ROOMS', date: '2025-12-01', productiveHours: 7.5, labourCost: 987.65 },
      { id: 'TR-2', employeeNumber: 'EMP-88456', department: 'ROOMS', date: '2025-12-01', productiveHours: 8, labourCost: 1234.56 },
    ];
    const imp = await sendAndWait(host, admin, integration, { records });
    expect(imp.status).toBe('accepted');
    const bad = await sendAndWait(host, admin, integration, { records: [{ ...records[0], id: 'TR-3', employeeNumber: 'EMP-99999', labourCost: -5 }] });
    expect(bad.status).toBe('rejected');
    const everything = JSON.stringify([
      ...(await itemsOf(host, 'facts', t.tenantId)),
      ...(await itemsOf(host, 'imports', t.tenantId)),
      ...(await itemsOf(host, 'aggregates', t.tenantId)),
      ...(await itemsOf(host, 'outbox', t.tenantId)),
      ...(await itemsOf(host, 'audit', t.tenantId)),
    ]);
    for (const secret of ['EMP-77123', 'EMP-88456', 'EMP-99999', '987.65', '1234.56', 'EMP77123']) expect(everything).not.toContain(secret);
    // The department totals carry the (non-personal) aggregated cost; the facts the blind index.
    expect(await aggregate(t.propertyIds[0] as string, '2025-12-01', rooms, 'actual')).toMatchObject({ labourCost: 2222.21, productiveHours: 15.5 });
    const { employeeSubjectId } = await import('../../shared/platform/crypto/employee-subject.js');
    const index = await host.app.blindIndex.compute(t.tenantId, 'employeeNumber', 'emp-77123');
    const facts = await host.app.store.collection('facts', t.tenantId).all<{ subjectId: string }>('SELECT * FROM c WHERE c.employeeIndex = @i', { i: index });
    expect(facts).toHaveLength(1);
    expect(facts[0]?.subjectId).toBe(employeeSubjectId(index));
  });
});

describe('day commits: concurrent imports and fact versions', () => {
  type Day = { factIds: string[]; factVersions?: Record<string, string> };

  it('ends consistent when imports of the same days run at once, and lists the fact versions it computed from', async () => {
    const p = t.propertyIds[0] as string;
    const dates = ['2026-02-01', '2026-02-02', '2026-02-03'];
    const feeds = await Promise.all([0, 1, 2].map(() => createIntegration(host, admin, { propertyId: p, sourceType: 'pos' })));
    // Six batches over the same three days, each record distinct, all queued before any is processed.
    const batches = Array.from({ length: 6 }, (_, b) => ({ records: dates.flatMap((date, d) => [pos(`CC-${b}-${d}-a`, date, 10 + b), pos(`CC-${b}-${d}-b`, date, 1, 2)]) }));
    for (const [b, batch] of batches.entries()) {
      const res = await send(host, feeds[b % 3] as { id: string; secret: string }, batch);
      expect(res.status).toBe(202);
    }
    await host.app.broker?.idle();
    const facts = new Map((await itemsOf<{ id: string; _etag: string; date: string; sourceRecordId?: string }>(host, 'facts', t.tenantId, 'fact')).filter((f) => f.sourceRecordId?.startsWith('CC-')).map((f) => [f.id, f]));
    expect(facts.size).toBe(36);
    for (const date of dates) {
      // Revenue 10..15 once each, plus 1 per "b" record: what any order of the six imports must give.
      expect(await aggregate(p, date, fb, 'actual')).toMatchObject({ revenue: 10 + 11 + 12 + 13 + 14 + 15 + 6, covers: 6 * 10 + 6 * 2, factCount: 12 });
      const day = await host.app.store.collection('facts', t.tenantId).scoped(p).read<Day & { tenantId: string; type: string; id: string }>(`day:${p}:${date}`);
      const mine = [...facts.values()].filter((f) => f.date === date);
      expect(day?.factIds).toEqual(mine.map((f) => f.id).sort());
      expect(day?.factVersions).toEqual(Object.fromEntries(mine.map((f) => [f.id, f._etag])));
    }
  });

  it('merges the days of imports that share a recompute pass, the store deciding where a record moved away and back is', async () => {
    const p = t.propertyIds[0] as string;
    const feeds = (await Promise.all([0, 1, 2].map(() => createIntegration(host, admin, { propertyId: p, sourceType: 'pos' })))) as Array<{ id: string; secret: string }>;
    const [d0, d1, d2] = ['2026-02-10', '2026-02-11', '2026-02-12'] as [string, string, string];
    await sendAndWait(host, admin, feeds[0] as { id: string; secret: string }, { records: [pos('MV-1', d0, 100), pos('MV-2', d0, 1)] });
    // The first import's recompute pass is held at its first read; meanwhile one import moves MV-1
    // to another day and, after it, another moves it back. Both join the next pass: one adds MV-1 to
    // its first day, the other takes it out, and only a read of MV-1 can tell which came last.
    const factStore = host.app.integrations.processor.facts;
    const recompute = factStore.recompute;
    const shares: Array<{ requests: number; reads: number }> = [];
    const waiting: Array<[number, () => void]> = [];
    let asked = 0;
    const reached = (n: number) => new Promise<void>((resolve) => (asked >= n ? resolve() : waiting.push([n, resolve])));
    factStore.recompute = async function (this: typeof factStore, ...args: Parameters<typeof recompute>) {
      const pending = recompute.apply(this, args);
      if (args[0] === t.tenantId) {
        asked += 1;
        for (const [n, resolve] of waiting) if (asked >= n) resolve();
      }
      const share = await pending;
      shares.push(share);
      return share;
    } as typeof recompute;
    let held = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    host.app.store.faults = {
      call: async (call, proceed) => {
        if (!held && call.method === 'bulk' && call.tenantId === t.tenantId && call.operations.some((op) => op.kind === 'read' && op.id.startsWith('day:'))) {
          held = true;
          await gate;
        }
        return proceed();
      },
    };
    try {
      const queue = async (feed: number, records: object[]) => expect((await send(host, feeds[feed] as { id: string; secret: string }, { records })).status).toBe(202);
      await queue(0, [pos('MV-H', d2, 7)]);
      await reached(1);
      await queue(1, [pos('MV-1', d1, 101)]);
      await reached(2);
      await queue(2, [pos('MV-1', d0, 102)]);
      await reached(3);
      release();
      await host.app.broker?.idle();
    } finally {
      factStore.recompute = recompute;
      host.app.store.faults = undefined;
    }
    // Two of the three imports were answered from one shared pass (its second caller carries no reads).
    expect(shares).toHaveLength(3);
    expect(shares.filter((r) => r.requests === 0 && r.reads === 0)).toHaveLength(1);
    const revenue = async (date: string) => {
      // A day a record only passed through inside a shared pass may never have had an aggregate: zero.
      const agg = await aggregate(p, date, fb, 'actual');
      return { revenue: agg?.revenue ?? 0, factCount: agg?.factCount ?? 0 };
    };
    expect(await revenue(d0)).toEqual({ revenue: 103, factCount: 2 });
    expect(await revenue(d1)).toEqual({ revenue: 0, factCount: 0 });
    expect(await revenue(d2)).toEqual({ revenue: 7, factCount: 1 });
    const [moved] = await host.app.store.collection<FactItem>('facts', t.tenantId).all<FactItem>('SELECT * FROM c WHERE c.type = @type AND c.sourceRecordId = @id', { type: 'fact', id: 'MV-1' });
    const listed = await host.app.store.collection('facts', t.tenantId).scoped(p).read<Day & { tenantId: string; type: string; id: string }>(`day:${p}:${d0}`);
    expect(listed?.factIds).toContain(moved?.id);
    expect(listed?.factVersions?.[moved?.id as string]).toBe(moved?._etag);
  });

  it('redoes a day whose commit lost a race to another writer, and only that day', async () => {
    const p = t.propertyIds[0] as string;
    const integration = await createIntegration(host, admin, { propertyId: p, sourceType: 'pos' });
    await sendAndWait(host, admin, integration, { records: [pos('RC-1', '2026-04-01', 100), pos('RC-2', '2026-04-02', 100)] });
    const facts = host.app.store.collection<FactItem>('facts', t.tenantId);
    const [template] = await facts.all<FactItem>('SELECT * FROM c WHERE c.type = @type AND c.sourceRecordId = @id', { type: 'fact', id: 'RC-1' });
    const { dayKey, FactStore } = await import('../../shared/integrations/facts.js');
    // The other writer is another instance (this one would queue it behind the pass it interrupts).
    const otherInstance = new FactStore(host.app.store, host.app.cipher, 4);
    const commits: string[] = [];
    const dayReads: string[][] = [];
    let raced = false;
    // Just before the import commits 2026-04-01, another writer adds a fact to that day and commits it first.
    host.app.store.faults = {
      call: async (call, proceed) => {
        if (call.method !== 'bulk') return proceed();
        const dayCommits = call.operations.filter((op) => (op.kind === 'replace' || op.kind === 'create') && op.item.type === 'factDay') as Array<{ item: { date?: string } }>;
        for (const op of dayCommits) commits.push(String(op.item.date));
        const reads = call.operations.flatMap((op) => (op.kind === 'read' && op.id.startsWith('day:') ? [op.id.slice(-10)] : []));
        if (reads.length > 0) dayReads.push(reads);
        if (!raced && dayCommits.some((op) => op.item.date === '2026-04-01')) {
          raced = true;
          const other = await facts.upsert({ ...(template as FactItem), id: 'f:pos:race-writer', sourceRecordId: 'RC-W', contributions: (template as FactItem).contributions.map((c) => ({ ...c, measures: { ...c.measures, revenue: 5 } })) });
          await otherInstance.recompute(t.tenantId, new Map([[dayKey(p, '2026-04-01'), { add: new Set([other.id]), remove: new Set<string>(), known: new Map([[other.id, other]]) }]]));
        }
        return proceed();
      },
    };
    try {
      await sendAndWait(host, admin, integration, { records: [pos('RC-1', '2026-04-01', 120), pos('RC-2', '2026-04-02', 130)] });
    } finally {
      host.app.store.faults = undefined;
    }
    expect(raced).toBe(true);
    // The import reads and commits both days; the other writer commits 2026-04-01 in between, so the
    // import's commit of that day fails and the import redoes it alone — and finds it up to date.
    expect(dayReads).toEqual([['2026-04-01', '2026-04-02'], ['2026-04-01'], ['2026-04-01']]);
    expect(commits).toEqual(['2026-04-01', '2026-04-02', '2026-04-01']);
    expect(await aggregate(p, '2026-04-01', fb, 'actual')).toMatchObject({ revenue: 125, factCount: 2 });
    expect(await aggregate(p, '2026-04-02', fb, 'actual')).toMatchObject({ revenue: 130, factCount: 1 });
  });

  it('an instance that never saw a fact creates it outright, and reads it first when the store says it exists', async () => {
    const p = t.propertyIds[0] as string;
    const integration = await createIntegration(host, admin, { propertyId: p, sourceType: 'pos' });
    await sendAndWait(host, admin, integration, { records: [pos('FI-1', '2026-05-01', 100), pos('FI-2', '2026-05-01', 50)] });
    const stored = await host.app.store.collection<FactItem>('facts', t.tenantId).all<FactItem>('SELECT * FROM c WHERE c.type = @type AND ARRAY_CONTAINS(@ids, c.sourceRecordId)', { type: 'fact', ids: ['FI-1', 'FI-2'] });
    expect(stored).toHaveLength(2);
    const [one, two] = stored.sort((a, b) => String(a.sourceRecordId).localeCompare(String(b.sourceRecordId))) as [FactItem, FactItem];
    const drafts = [one, { ...two, digest: `${two.digest}-changed`, contributions: two.contributions.map((c) => ({ ...c, measures: { ...c.measures, revenue: 55 } })) }].map(({ _etag: _e, _ts: _t, ...draft }) => draft);
    const fresh = { ...drafts[0], id: 'f:pos:fresh-instance', sourceRecordId: 'FI-3' } as FactItem;
    // Another instance (a FactStore with no memory): both existing facts get a failed create, then a read.
    const { FactStore } = await import('../../shared/integrations/facts.js');
    const other = new FactStore(host.app.store, host.app.cipher, 4);
    const applied = await other.apply(t.tenantId, p, [...drafts, fresh], [], 'imp-other-instance');
    expect(applied).toMatchObject({ upserted: 2, unchanged: 1, writes: 2, reads: 2 });
    // One bulk of creates, one bulk read of the two that existed, one bulk upsert of the changed one.
    expect(applied.requests).toBe(3);
    const recomputed = await other.recompute(t.tenantId, applied.days);
    expect(recomputed.writes).toBeGreaterThan(0);
    expect(await aggregate(p, '2026-05-01', fb, 'actual')).toMatchObject({ revenue: 100 + 55 + 100, factCount: 3 });
    // The same again: this instance now knows all three, reads them first and writes nothing.
    const again = await other.apply(t.tenantId, p, [...drafts, fresh], [], 'imp-other-instance-2');
    expect(again).toMatchObject({ upserted: 0, unchanged: 3, writes: 0, reads: 3, requests: 1 });
    expect(await other.recompute(t.tenantId, again.days)).toMatchObject({ writes: 0 });
  });

  it('reads every fact again when a recompute is not driven by an import (a version no day lists is picked up)', async () => {
    const p = t.propertyIds[0] as string;
    const integration = await createIntegration(host, admin, { propertyId: p, sourceType: 'pos' });
    await sendAndWait(host, admin, integration, { records: [pos('RV-1', '2026-03-01', 100), pos('RV-2', '2026-03-01', 50)] });
    expect(await aggregate(p, '2026-03-01', fb, 'actual')).toMatchObject({ revenue: 150 });
    // A writer that wrote a new version and died before its day commit, never redelivered.
    const facts = host.app.store.collection<{ id: string; tenantId: string; type: string; _etag?: string; sourceRecordId?: string; contributions: Array<{ measures: Record<string, number> }> }>('facts', t.tenantId);
    const [fact] = await facts.all('SELECT * FROM c WHERE c.type = @type AND c.sourceRecordId = @id', { type: 'fact', id: 'RV-1' });
    expect(fact).toBeDefined();
    const changed = { ...fact!, contributions: fact!.contributions.map((c) => ({ ...c, measures: { ...c.measures, revenue: 70 } })) };
    const written = await facts.upsert(changed);
    const { dayKey } = await import('../../shared/integrations/facts.js');
    await host.app.integrations.processor.facts.recompute(t.tenantId, new Map([[dayKey(p, '2026-03-01'), { add: new Set<string>(), remove: new Set<string>() }]]));
    expect(await aggregate(p, '2026-03-01', fb, 'actual')).toMatchObject({ revenue: 120 });
    const day = await host.app.store.collection('facts', t.tenantId).scoped(p).read<Day & { tenantId: string; type: string; id: string }>(`day:${p}:2026-03-01`);
    expect(day?.factVersions?.[written.id]).toBe(written._etag);
  });
});

describe('fault injection', () => {
  type Snapshot = Array<Record<string, unknown>>;
  const strip = (items: Array<Record<string, unknown>>): Snapshot =>
    items
      .map((item) => {
        const { _etag: _e, _ts: _t, computedAt: _c, updatedAt: _u, importId: _i, integrationId: _g, enc: _x, digest: _d, factVersions, ...rest } = item;
        // A day lists the ETag of each fact version it was computed from: ETags differ between runs, the listed facts must not.
        return factVersions ? { ...rest, factVersions: Object.keys(factVersions as object).sort() } : rest;
      })
      .sort((x, y) => String(x.id).localeCompare(String(y.id)));

  async function snapshot(tenantId: string): Promise<{ facts: Snapshot; aggregates: Snapshot }> {
    return { facts: strip(await itemsOf(host, 'facts', tenantId)), aggregates: strip(await itemsOf(host, 'aggregates', tenantId)) };
  }

  async function wipe(tenantId: string): Promise<void> {
    for (const container of ['facts', 'aggregates'] as const) {
      const col = host.app.store.collection(container, tenantId);
      for (const item of await col.all<{ id: string; propertyId: string }>('SELECT c.id, c.propertyId FROM c')) await col.scoped(item.propertyId).delete(item.id);
    }
  }

  it('ends in the same facts and aggregates as a fault-free run when the store fails mid-batch (429/503)', async () => {
    const f = await seedTenant(host);
    const token = f.users.admin.token;
    const property = f.propertyIds[0] as string;
    const departments = [{ code: 'ROOMS', usaliDepartment: 'rooms' }, { code: 'FB', usaliDepartment: 'fnb' }];
    const batches = demoBatches({ key: 'fault', roomsAvailable: 60, departments }, { today: '2026-01-20', historyDays: 10, aheadDays: 5 }).filter((b) =>
      ['pos', 'tms', 'pms', 'frs'].includes(b.sourceType),
    );
    const integrations = new Map<string, { id: string; secret: string }>();
    for (const type of new Set(batches.map((b) => b.sourceType))) integrations.set(type, await createIntegration(host, token, { propertyId: property, sourceType: type }));
    // A correction and a deletion at the end, as late re-sends do.
    const firstPos = batches.find((b) => b.sourceType === 'pos')?.records[0] as Record<string, unknown>;
    const secondPos = batches.find((b) => b.sourceType === 'pos')?.records[1] as Record<string, unknown>;
    batches.push({ sourceType: 'pos', label: 'late', records: [{ ...firstPos, netRevenue: 1.23 }, { id: secondPos.id, deleted: true }] });
    const run = async () => {
      for (const batch of batches) {
        const imp = await sendAndWait(host, token, integrations.get(batch.sourceType) as { id: string; secret: string }, { records: batch.records });
        expect(imp.status).toBe('accepted');
      }
    };

    await run();
    const clean = await snapshot(f.tenantId);
    expect(clean.facts.length).toBeGreaterThan(50);
    await wipe(f.tenantId);

    let calls = 0;
    let injected = 0;
    let bulkCalls = 0;
    let bulkOps = 0;
    let bulkInjected = 0;
    let bulkThrew = 0;
    // Point writes of facts and aggregates, if any are made, fail now and then with a retryable store error.
    const failing = new Set([3, 8, 15, 16, 40, 41, 90, 200, 333]);
    // Inside bulk requests the store throttles single operations (as Cosmos DB answers 207 with
    // per-operation 429s): the others of the same request succeed. Now and then an operation is
    // throttled (the bulk call's own retry absorbs it); during two outage windows every other
    // operation of each request fails, longer than the call retries, so the import throws and is
    // redelivered with part of its writes done.
    const outage = (n: number) => (n >= 12 && n < 22) || (n >= 90 && n < 100);
    host.app.store.faults = {
      bulkRequest: answerSome((operations) => {
        // Keys start with the tenant (`tenant|scope|shard` on the embedded store, cosmos/partition.ts).
        if (!operations.some((op) => op.partitionKey === f.tenantId || String(op.partitionKey).startsWith(`${f.tenantId}|`))) return [];
        const n = ++bulkCalls;
        return operations.map((_, i) => {
          bulkOps += 1;
          if (!((outage(n) && i % 2 === 0) || bulkOps % 17 === 0)) return undefined;
          bulkInjected += 1;
          return i % 3 === 0 ? 503 : 429;
        });
      }),
      call: async (call, proceed) => {
        if (call.method === 'bulk') {
          try {
            return await proceed();
          } catch (err) {
            if (err instanceof StoreError && err.code === 'unavailable') bulkThrew += 1;
            throw err;
          }
        }
        if (call.tenantId === f.tenantId && (call.item.type === 'fact' || call.item.type === 'dailyAggregate' || call.item.type === 'factDay') && failing.has(++calls)) {
          injected += 1;
          throw new StoreError('unavailable', calls % 2 === 0 ? 'store unavailable (429)' : 'store unavailable (503)', 10);
        }
        return proceed();
      },
    };
    try {
      await run();
    } finally {
      host.app.store.faults = undefined;
    }
    // Faults hit inside bulk requests, some were absorbed by the call's retry and some outlasted it.
    expect(bulkInjected).toBeGreaterThan(20);
    expect(bulkThrew).toBeGreaterThan(0);
    expect(injected + bulkInjected).toBeGreaterThan(5);
    const faulty = await snapshot(f.tenantId);
    expect(faulty.facts).toEqual(clean.facts);
    expect(faulty.aggregates).toEqual(clean.aggregates);
    expect(faulty.facts.filter((x) => x.deleted === true)).toHaveLength(1);
  });
});
