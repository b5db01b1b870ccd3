// GoGreen benchmark (issue 20): the one-year sustainability report at month granularity over a group of
// 50 hotels, against the Revenue & Productivity portfolio report of the same group in the same run.
// Run: npm run build && node bench/sustainability.js
//
// Data as bench/portfolio.js lays it: one hotel's two years from the demo generator (every source type)
// plus two years of utility readings (daily electricity and water, monthly gas and waste) go through the
// signed webhook endpoint and the import consumer; the other 49 hotels are copies of its stored property,
// departments and monthly rollups (consumption included: the rollups carry it). Each hotel gets GoGreen
// settings and an electricity target through the service, as the routes would set them.
import { createHash } from 'node:crypto';
import os from 'node:os';
import { copyHotel, postBatches, setUp } from './lib/app.js';
import { fmt, machine, percentile, time, writeSection } from './lib/report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const loadAtStart = os.loadavg()[0];
const SIZE = 50;
const FROM = '2025-01-01';
const TO = '2025-12-31';
const TYPES = ['pos', 'frs', 'trs', 'tms', 'pms', 'rms', 'snc', 'ams', 'utility'];

const { demoBatches } = await import('../dist/shared/integrations/demo-data.js');
const { host, app, tenantId, principal, property, departments, integrations } = await setUp(TYPES, { importConsumer: true });

/** Two years of readings: daily electricity (a weekly rhythm) and water, monthly gas and waste. */
function utilityBatch() {
  const records = [];
  const start = Date.parse('2024-01-01T00:00:00Z');
  for (let i = 0; i < 731; i++) {
    const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    const weekday = new Date(start + i * 86_400_000).getUTCDay();
    records.push({ id: `el-${date}`, date, resource: 'electricity', quantity: 4200 + 300 * Math.sin((2 * Math.PI * i) / 365) + (weekday === 5 || weekday === 6 ? 400 : 0), unit: 'kWh' });
    records.push({ id: `wa-${date}`, date, resource: 'water', quantity: 60 + (i % 7), unit: 'm3' });
  }
  for (let y = 2024; y <= 2025; y++) {
    for (let m = 1; m <= 12; m++) {
      const period = `${y}-${String(m).padStart(2, '0')}`;
      records.push({ id: `gas-${period}`, period, resource: 'naturalGas', quantity: 90000 - 5000 * Math.min(m - 1, 13 - m), unit: 'kWh' });
      records.push({ id: `waste-${period}`, period, resource: 'waste', stream: 'recycled', quantity: 3500, unit: 'kg' });
      records.push({ id: `landfill-${period}`, period, resource: 'waste', stream: 'landfill', quantity: 5000, unit: 'kg' });
    }
  }
  return { sourceType: 'utility', records };
}

try {
  const imported = await time(async () => {
    const batches = [
      // The demo's own utility readings stay out: this bench's readings are utilityBatch()'s, as documented.
      ...demoBatches({ key: 'gogreen', roomsAvailable: property.roomsAvailable, departments: departments.map((d) => ({ code: d.code, usaliDepartment: d.usaliDepartment })) }, { today: '2026-01-01', historyDays: 730, aheadDays: 30 }).filter(
        (b) => TYPES.includes(b.sourceType) && b.sourceType !== 'utility',
      ),
      utilityBatch(),
    ];
    await postBatches(host, integrations, batches, 'gogreen');
    await app.broker.idle();
    return batches.reduce((n, b) => n + b.records.length, 0);
  });
  console.log(`imported ${imported.out} records for one hotel in ${fmt(imported.ms / 1000, 1)} s`);

  const { propertyIds, rollups } = await copyHotel(app, tenantId, property, SIZE);
  if (!rollups.some((r) => r.utilityTotals && Object.keys(r.utilityTotals).length > 0)) throw new Error('the import wrote no consumption into the rollups');
  const meta = { correlationId: 'bench-gogreen' };
  for (const [k, id] of propertyIds.entries()) {
    await app.sustainability.putSettings(principal, id, { areas: { totalM2: 12000, roomsAndCorridorsM2: 8000, meetingM2: 900, excludedM2: 300 }, country: k % 5 === 0 ? 'GB' : 'DE' }, undefined, meta);
    await app.sustainability.putTargets(principal, id, [{ resource: 'electricityKwh', reductionPct: 20, baselineYear: 2024, deadlineYear: 2027 }, { resource: 'waterM3', reductionPct: 10, baselineYear: 2024, deadlineYear: 2026 }], undefined, meta);
  }
  const group = await app.identity.propertyGroups.create(principal, { kind: 'brand', name: `Bench ${SIZE}`, propertyIds }, meta);

  const sustainability = async () => {
    const r = await app.sustainability.report(principal, { groupId: group.id, from: FROM, to: TO, granularity: 'month' });
    const body = JSON.stringify(r);
    createHash('sha256').update(body).digest('base64url');
    return { reads: r.meta.storeReads, bytes: body.length, properties: r.properties.length, withData: r.properties.filter((p) => p.total.metrics).length };
  };
  const rp = async () => {
    const r = await app.reporting.revenueProductivityPortfolio(principal, { groupId: group.id, from: FROM, to: TO, granularity: 'month', compare: ['budget', 'forecast', 'lastYear'], lastYearAlignment: 'calendar' });
    const body = JSON.stringify(r);
    createHash('sha256').update(body).digest('base64url');
    return { reads: r.meta.storeReads, bytes: body.length };
  };

  // Every copy reports what the imported hotel does: the check that the copies carry its consumption.
  const check = await app.sustainability.report(principal, { groupId: group.id, from: FROM, to: TO, granularity: 'year' });
  const totals = new Set(check.properties.map((p) => Math.round(p.total.metrics?.energy.totalKwh ?? -1)));
  if (totals.size !== 1 || [...totals][0] <= 0) throw new Error(`copies differ from the imported hotel: ${[...totals].join(', ')}`);

  await sustainability();
  await rp();
  const samples = { sustainability: [], rp: [] };
  let lastS;
  let lastR;
  for (let i = 0; i < RUNS; i++) {
    const s = await time(sustainability);
    const r = await time(rp);
    samples.sustainability.push(s.ms);
    samples.rp.push(r.ms);
    lastS = s.out;
    lastR = r.out;
    console.log(`run ${i + 1}/${RUNS}: sustainability ${fmt(s.ms, 0)} ms (${s.out.reads} reads), R&P portfolio ${fmt(r.ms, 0)} ms (${r.out.reads} reads)`);
  }
  const p95s = percentile(samples.sustainability, 95);
  const p95r = percentile(samples.rp, 95);
  const ratio = p95s / p95r;
  const md = `Command: \`npm run build && node bench/sustainability.js\` (${RUNS} interleaved runs; ${machine()}; ${new Date().toISOString().slice(0, 10)}; 1-min load average ${fmt(loadAtStart, 1)} at the start and ${fmt(os.loadavg()[0], 1)} at the end, on ${os.cpus().length} cores).

The one-year (${FROM} … ${TO}) GoGreen report (\`GET /api/v1/reports/sustainability?groupId=…&granularity=month\`) over a group of ${SIZE} hotels, each with settings and two targets (so last year and the 2024 baseline are read too), against the R&P portfolio report (budget, forecast, last year) of the same group in the same run. Measured at the service, with JSON serialisation and ETag hash, as the routes do.

| Report (${SIZE} properties, month) | p50 (ms) | p95 (ms) | Store reads | JSON body (KiB) | p95 ratio to R&P portfolio | Goal ≤ 1.5 |
|---|---|---|---|---|---|---|
| GoGreen sustainability | ${fmt(percentile(samples.sustainability, 50), 0)} | ${fmt(p95s, 0)} | ${lastS.reads} | ${fmt(lastS.bytes / 1024, 0)} | ${fmt(ratio, 2)} | ${ratio <= 1.5 ? 'met' : 'missed'} |
| R&P portfolio (baseline) | ${fmt(percentile(samples.rp, 50), 0)} | ${fmt(p95r, 0)} | ${lastR.reads} | ${fmt(lastR.bytes / 1024, 0)} | 1 | — |

- Data: one hotel's two years from the demo generator and two years of utility readings (${imported.out} records) through the webhook endpoint and the import consumer (${fmt(imported.ms / 1000, 0)} s); the other ${SIZE - 1} hotels are copies of its property, departments and ${rollups.length} monthly rollups (consumption rides in the property-level rollups). ${lastS.withData} of ${lastS.properties} hotels have figures.
- What the GoGreen report reads: the group and the tenant's properties (as the portfolio does), the tenant's own factors (one query), per hotel its settings and targets (point reads) and 24 months of consumption (one bulk read of its property-level rollups: 2024 for last year and the target baseline), and the occupancy of all hotels in one rollup query through reporting's reader. The metrics are computed at read time by the core.
`;
  writeSection('GoGreen', md);
  console.log(md);
} finally {
  await host.stop();
}
