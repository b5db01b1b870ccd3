// Reporting benchmark (issue 6): a one-year Revenue & Productivity report for one property with 15
// departments, against reading the same aggregate items raw from the store in the same run; and
// (issue 16) the same report at month, quarter and day granularity read from the monthly rollups
// and from the daily aggregates (read: 'days', the path before rollups), in the same run.
// Run: npm run build && node bench/reports.js
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, machine, percentile, time, writeSection } from './lib/report.js';

Object.assign(process.env, {
  LOG_LEVEL: 'error',
  LOCAL_TIMERS: 'false',
  // Measured on the in-memory store alone: no snapshots of local state (LOCAL_PERSIST) competing for the CPU.
  LOCAL_PERSIST: 'false',
  SEED_DEMO: 'false',
  LOCAL_KEK: randomBytes(32).toString('base64'),
  LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'pmi-bench-reports-')),
});

const { buildApp } = await import('../dist/shared/app.js');
const { loadConfig } = await import('../dist/shared/platform/config.js');
const { aggregatesQuery, PAGE_SIZE } = await import('../dist/shared/reporting/aggregates-reader.js');
const { lastYearRange } = await import('../dist/shared/reporting/fold.js');
const { rebuildRollups } = await import('../dist/shared/integrations/rollup.js');

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const DEPARTMENTS = 15;
const FROM = '2025-01-01';
const TO = '2025-12-31';
const tenantId = `bench-${randomBytes(4).toString('hex')}`;
const propertyId = 'bench-property';

const app = await buildApp(loadConfig());

function day(offset, base) {
  return new Date(Date.parse(`${base}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

/** Writes the property, its departments and two years of daily aggregates (this year and last) plus monthly budgets. */
async function seed() {
  const tenants = app.store.collection('tenants', tenantId);
  await tenants.upsert({ id: propertyId, tenantId, type: 'property', name: 'Bench Hotel', timezone: 'Europe/Vienna', currency: 'EUR', roomsAvailable: 300, settings: { excludeOutOfOrderFromAvailable: false } });
  const kinds = [
    ['rooms', 'roomsSold', 0.4],
    ['fnb', 'covers', 0.25],
    ['other_operated', 'revenue', 0.002],
    ['admin_general', 'none', null],
  ];
  const depts = [];
  for (let i = 0; i < DEPARTMENTS; i++) {
    const [usaliDepartment, driver, std] = kinds[i % kinds.length];
    const d = { id: `bench-dept-${i}`, tenantId, type: 'department', propertyId, code: i === 0 ? 'HK' : `D${i}`, name: i === 0 ? 'Housekeeping' : `Department ${i}`, usaliDepartment, driver, standardHoursPerUnit: std };
    depts.push(d);
    await tenants.upsert(d);
  }
  const items = [];
  for (const base of ['2024-01-01', FROM]) {
    for (let o = 0; o < 366; o++) {
      const date = day(o, base);
      if (!date.startsWith(base.slice(0, 4))) continue;
      items.push({ id: `agg:${propertyId}:${date}:_property:actual`, tenantId, type: 'dailyAggregate', level: 'property', propertyId, date, departmentId: null, scenario: 'actual', usali: {}, factCount: 1, sources: { pms: 1 }, computedAt: date, roomsAvailable: 300, outOfOrder: 2, roomsSold: 200 + (o % 80), complimentary: 3, roomRevenue: 30_000 + o * 10, guests: 350, arrivals: 90, departures: 88, groupRooms: 0 });
      for (const d of depts) {
        items.push({ id: `agg:${propertyId}:${date}:${d.id}:actual`, tenantId, type: 'dailyAggregate', level: 'department', propertyId, date, departmentId: d.id, scenario: 'actual', usali: {}, factCount: 3, sources: { pos: 1, tms: 2 }, computedAt: date, revenue: d.usaliDepartment === 'admin_general' ? 0 : 2_000 + o, tax: 0, discounts: 0, covers: d.driver === 'covers' ? 150 : 0, checks: 0, reservations: 0, reservedCovers: 0, eventAttendees: 0, productiveHours: 60, nonProductiveHours: 4, labourCost: 1_600 });
      }
    }
  }
  for (let m = 1; m <= 12; m++) {
    const date = new Date(Date.UTC(2025, m, 0)).toISOString().slice(0, 10);
    for (const d of depts) {
      items.push({ id: `agg:${propertyId}:${date}:${d.id}:budget`, tenantId, type: 'dailyAggregate', level: 'department', propertyId, date, departmentId: d.id, scenario: 'budget', usali: { revenue: 60_000, payrollAndRelated: 48_000 }, factCount: 2, sources: { ams: 2 }, computedAt: date });
    }
  }
  const aggregates = app.store.collection('aggregates', tenantId);
  for (let i = 0; i < items.length; i += 32) await Promise.all(items.slice(i, i + 32).map((item) => aggregates.upsert(item)));
  return items.length;
}

const principal = {
  kind: 'user',
  tenantId,
  userId: 'bench-user',
  sessionId: 'bench',
  amr: ['pwd'],
  authTime: 0,
  grants: new Map([
    ['reports.rp.read', { all: true }],
    ['payroll.read', { all: true }],
  ]),
};

const query = (granularity, read = 'auto') => ({ propertyId, from: FROM, to: TO, granularity, compare: ['budget', 'forecast', 'lastYear'], lastYearAlignment: 'calendar', read });

/** What the route does: the report, then its JSON body and ETag. */
async function report(granularity, read) {
  const r = await app.reporting.revenueProductivity(principal, query(granularity, read));
  const body = JSON.stringify(r);
  createHash('sha256').update(body).digest('base64url');
  return { reads: r.meta.storeReads, items: r.meta.aggregateItems, bytes: body.length };
}

/** The baseline: the same aggregate query, paged the same way, items kept and nothing computed. */
async function raw() {
  const { query: q, params } = aggregatesQuery(propertyId, { from: FROM, to: TO, scenarios: ['actual', 'budget', 'forecast'] }, lastYearRange(FROM, TO, 'calendar'));
  const col = app.store.collection('aggregates', tenantId);
  const items = [];
  let continuation;
  let reads = 0;
  do {
    const page = await col.page(q, params, { pageSize: PAGE_SIZE, ...(continuation ? { continuation } : {}) });
    reads += 1;
    items.push(...page.items);
    continuation = page.continuation;
  } while (continuation);
  return { reads, items: items.length };
}

try {
  const written = await seed();
  // The aggregates were written straight to the store: build their rollups as the migration does.
  const months = ['2024', '2025'].flatMap((y) => Array.from({ length: 12 }, (_, m) => `${y}-${String(m + 1).padStart(2, '0')}`));
  const rolled = await rebuildRollups(app.store, tenantId, propertyId, months, { parallelRequests: 4 });
  console.log(`seeded ${written} aggregate items, ${rolled.writes} rollups`);
  await raw();
  await report('month', 'days');
  await report('month');
  const rows = [];
  for (const granularity of ['month', 'week', 'day']) {
    const ours = [];
    const base = [];
    let last;
    let baseLast;
    // Interleaved, so drift on a noisy machine hits both sides alike.
    for (let i = 0; i < RUNS; i++) {
      const b = await time(raw);
      base.push(b.ms);
      baseLast = b.out;
      // The daily read, as the raw baseline reads: the report's own cost over the same items.
      const r = await time(() => report(granularity, 'days'));
      ours.push(r.ms);
      last = r.out;
    }
    rows.push({ granularity, p50: percentile(ours, 50), p95: percentile(ours, 95), rawP50: percentile(base, 50), rawP95: percentile(base, 95), reads: last.reads, rawReads: baseLast.reads, items: last.items, bytes: last.bytes });
  }
  // Issue 16: the same report before (daily aggregates) and after (monthly rollups), interleaved.
  const rollupRows = [];
  for (const granularity of ['month', 'quarter', 'day']) {
    const before = [];
    const after = [];
    let b;
    let a;
    for (let i = 0; i < RUNS; i++) {
      const x = await time(() => report(granularity, 'days'));
      before.push(x.ms);
      b = x.out;
      const y = await time(() => report(granularity, 'auto'));
      after.push(y.ms);
      a = y.out;
    }
    rollupRows.push({ granularity, before: b, after: a, bP50: percentile(before, 50), bP95: percentile(before, 95), aP50: percentile(after, 50), aP95: percentile(after, 95) });
  }
  const rollupTable = rollupRows
    .map((r) => `| ${r.granularity} | ${r.before.items} | ${fmt(r.bP50, 0)} | ${fmt(r.bP95, 0)} | ${r.after.items} | ${fmt(r.aP50, 0)} | ${fmt(r.aP95, 0)} | ${r.granularity === 'month' ? (r.after.items <= 1000 ? 'met' : 'missed') : '—'} |`)
    .join('\n');
  const table = rows
    .map((r) => `| ${r.granularity} | ${fmt(r.p50, 0)} | ${fmt(r.p95, 0)} | ${fmt(r.rawP50, 0)} | ${fmt(r.rawP95, 0)} | ${fmt(r.p50 / r.rawP50, 2)} | ${r.reads} (${r.rawReads} raw + 1 property query) | ${r.items} | ${fmt(r.bytes / 1024, 0)} |`)
    .join('\n');
  const md = `Command: \`npm run build && node bench/reports.js\` (${RUNS} interleaved runs per row; ${machine()}; ${new Date().toISOString().slice(0, 10)}).

A one-year (${FROM} … ${TO}) Revenue & Productivity report for one property with ${DEPARTMENTS} departments, compared with budget, forecast and last year (calendar-aligned), with labour cost (payroll.read). Measured at the service: read, fold, KPIs, JSON serialisation and ETag hash, as the route does, reading the daily aggregates at every granularity (\`read=days\`; the rollups are the next table). Baseline: the same aggregate query, paged the same way, items read raw and nothing computed, in the same run.

| Granularity | Report p50 (ms) | Report p95 (ms) | Raw read p50 (ms) | Raw read p95 (ms) | Ratio p50 (goal ≤ 1.5) | Store reads per report | Aggregate items | JSON body (KiB) |
|---|---|---|---|---|---|---|---|---|
${table}

- Store reads = the pages of one single-partition query for the year, its budget/forecast and last year's actuals (page size -1: as many items as the store returns per response, up to 4 MB in Cosmos DB), plus one query for the property and its departments; the raw baseline makes the same aggregate pages.
- The embedded Cosmos DB server evaluates every query by scanning the container in JavaScript, so reads dominate here; against Azure Cosmos DB the read side is faster and the fold's share larger.

### Year report, one property, ${DEPARTMENTS} departments, all comparisons: before/after rollups

Same report and data, read from the daily aggregates (\`read=days\`, the path before rollups) and from the monthly rollups (\`read=auto\`, the default), interleaved, ${RUNS} runs each. Items read = aggregate items (daily) or rollup items (monthly) behind the report, plus the property and its departments. Day granularity reads the daily aggregates on both sides.

| Granularity | Items read before | p50 before (ms) | p95 before (ms) | Items read after | p50 after (ms) | p95 after (ms) | Goal ≤ 1,000 items (month) |
|---|---|---|---|---|---|---|---|
${rollupTable}

- The month report reads one rollup per (department or property level, scenario, month) that has data: the goal counts those items. On the embedded store its latency falls less than its items do, because that server evaluates a query by scanning every document of the partition whatever it returns, and the report still folds every day of the year (a rollup unpacks into its days). Azure Cosmos DB charges a query for the documents it loads and their size: 20 times fewer documents, but each rollup carries its month's days (docs/data-model.md §Monthly rollups), so the RU saving is smaller than the item count suggests — not measured here.
`;
  writeSection('Reporting', md);
  console.log(md);
} finally {
  await app.close();
}
