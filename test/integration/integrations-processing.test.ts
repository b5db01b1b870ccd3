import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestHost, type TestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { createIntegration, itemsOf, sendAndWait } from './integrations-helpers.js';
import { TenantCollection } from '../../shared/platform/cosmos/store.js';
import { StoreError } from '../../shared/platform/cosmos/errors.js';
import { FORMATS, SOURCE_TYPES } from '../../shared/integrations/formats/index.js';
import { demoBatches } from '../../shared/integrations/demo-data.js';

let host: TestHost;
let t: SeededTenant;
let other: SeededTenant;
let admin: string;
let rooms: string;
let fb: string;

beforeAll(async () => {
  host = await startTestHost({ BUS_MAX_DELIVERY_COUNT: '10' });
  t = await seedTenant(host);
  other = await seedTenant(host);
  admin = t.users.admin.token;
  [rooms, fb] = t.departmentIds[t.propertyIds[0] as string] as [string, string];
});
afterAll(async () => {
  await host.stop();
});

type Agg = Record<string, unknown> & { id: string; date: string; departmentId: string | null; scenario: string; usali: Record<string, number>; factCount: number };

async function aggregate(propertyId: string, date: string, departmentId: string | null, scenario: string): Promise<Agg | undefined> {
  return host.app.store.collection('aggregates', t.tenantId).read<Agg & { tenantId: string; type: string }>(`agg:${propertyId}:${date}:${departmentId ?? '_property'}:${scenario}`);
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
  it('stores a large body compressed in sealed chunks and reads it back whole', async () => {
    const { randomBytes } = await import('node:crypto');
    const integration = await createIntegration(host, admin, { propertyId: t.propertyIds[0], sourceType: 'pos', format: 'csv' });
    const rows = Array.from({ length: 12_000 }, () => `${randomBytes(96).toString('base64url')},2025-05-01,NOPE,1`);
    const csv = `id,businessDate,outlet,netRevenue\n${rows.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(1_500_000);
    const imp = await sendAndWait(host, admin, integration, csv, { contentType: 'text/csv' });
    expect(imp.raw).toMatchObject({ encoding: 'gzip' });
    expect(imp.raw.chunks).toBeGreaterThanOrEqual(2);
    expect(imp).toMatchObject({ status: 'rejected', counts: { records: 12_000, rejected: 12_000 }, errorCount: 12_000 });
    expect(imp.errors).toHaveLength(1000);
    const chunks = await itemsOf<{ enc: unknown }>(host, 'imports', t.tenantId, 'importRaw');
    expect(JSON.stringify(chunks)).not.toContain(rows[0]?.slice(0, 32));
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
    const { employeeSubjectId } = await import('../../shared/integrations/normalise.js');
    const index = await host.app.blindIndex.compute(t.tenantId, 'employeeNumber', 'emp-77123');
    const facts = await host.app.store.collection('facts', t.tenantId).all<{ subjectId: string }>('SELECT * FROM c WHERE c.employeeIndex = @i', { i: index });
    expect(facts).toHaveLength(1);
    expect(facts[0]?.subjectId).toBe(employeeSubjectId(index));
  });
});

describe('fault injection', () => {
  type Snapshot = Array<Record<string, unknown>>;
  const strip = (items: Array<Record<string, unknown>>): Snapshot =>
    items
      .map((item) => {
        const { _etag: _e, _ts: _t, computedAt: _c, updatedAt: _u, importId: _i, integrationId: _g, enc: _x, digest: _d, ...rest } = item;
        return rest;
      })
      .sort((x, y) => String(x.id).localeCompare(String(y.id)));

  async function snapshot(tenantId: string): Promise<{ facts: Snapshot; aggregates: Snapshot }> {
    return { facts: strip(await itemsOf(host, 'facts', tenantId)), aggregates: strip(await itemsOf(host, 'aggregates', tenantId)) };
  }

  async function wipe(tenantId: string): Promise<void> {
    for (const container of ['facts', 'aggregates'] as const) {
      const col = host.app.store.collection(container, tenantId);
      for (const item of await col.all<{ id: string }>('SELECT c.id FROM c')) await col.delete(item.id);
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

    const upsert = TenantCollection.prototype.upsert;
    const create = TenantCollection.prototype.create;
    const replace = TenantCollection.prototype.replace;
    let calls = 0;
    let injected = 0;
    // Some fact and aggregate writes of this tenant, spread over the run, fail with a retryable store error.
    const failing = new Set([3, 8, 15, 16, 40, 41, 90, 200, 333]);
    const flaky = <A extends unknown[], R>(original: (this: TenantCollection, ...args: A) => Promise<R>) =>
      async function (this: TenantCollection, ...args: A): Promise<R> {
        const item = args[0] as { type?: string };
        if (this.tenantId === f.tenantId && (item.type === 'fact' || item.type === 'dailyAggregate' || item.type === 'factDay') && failing.has(++calls)) {
          injected += 1;
          throw new StoreError('unavailable', calls % 2 === 0 ? 'store unavailable (429)' : 'store unavailable (503)', 10);
        }
        return original.apply(this, args);
      };
    TenantCollection.prototype.upsert = flaky(upsert) as typeof upsert;
    TenantCollection.prototype.create = flaky(create) as typeof create;
    TenantCollection.prototype.replace = flaky(replace) as typeof replace;
    try {
      await run();
    } finally {
      TenantCollection.prototype.upsert = upsert;
      TenantCollection.prototype.create = create;
      TenantCollection.prototype.replace = replace;
    }
    expect(injected).toBeGreaterThan(5);
    const faulty = await snapshot(f.tenantId);
    expect(faulty.facts).toEqual(clean.facts);
    expect(faulty.aggregates).toEqual(clean.aggregates);
    expect(faulty.facts.filter((x) => x.deleted === true)).toHaveLength(1);
  });
});
