// Scenario benchmark (issue 19): recomputing a what-if scenario of one property-year, against the
// Revenue & Productivity year report of the same property in the same run (goal ≤ 1.5).
// Run: npm run build && node bench/scenarios.js
//
// The data goes through the real import pipeline: a year of actuals (2025) and a year of forecasts
// (2026: RMS days, AMS monthly trial balance, budgets) of the demo generator for one hotel, sent
// through the signed webhook endpoint and drained by the import consumer. Both sides are measured
// over HTTP as a client calls them (token check, validation, response-schema check, JSON).
import os from 'node:os';
import { adminToken, postBatches, setUp } from './lib/app.js';
import { fmt, machine, percentile, time, writeSection } from './lib/report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const loadAtStart = os.loadavg()[0];
const YEAR = 2026;
const TYPES = ['pos', 'frs', 'trs', 'tms', 'pms', 'rms', 'snc', 'ams'];

const { demoBatches } = await import('../dist/shared/integrations/demo-data.js');
const { host, property, departments, integrations, app } = await setUp(TYPES, { importConsumer: true });

try {
  const imported = await time(async () => {
    const batches = demoBatches({ key: 'scenarios', roomsAvailable: property.roomsAvailable, departments: departments.map((d) => ({ code: d.code, usaliDepartment: d.usaliDepartment })) }, { today: `${YEAR}-01-01`, historyDays: 365, aheadDays: 365 }).filter((b) => TYPES.includes(b.sourceType));
    await postBatches(host, integrations, batches, 'scenarios');
    await app.broker.idle();
    return batches.reduce((n, b) => n + b.records.length, 0);
  });
  console.log(`imported ${imported.out} records in ${fmt(imported.ms / 1000, 1)} s`);

  const token = await adminToken(host);
  const call = async (method, path, body, headers = {}) => {
    const res = await fetch(`${host.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return { etag: res.headers.get('etag'), bytes: text.length, json: text ? JSON.parse(text) : undefined };
  };
  const reportPath = `/reports/revenue-productivity?propertyId=${property.id}&from=${YEAR}-01-01&to=${YEAR}-12-31&granularity=month&compare=budget,forecast,lastYear`;
  const report = () => call('GET', reportPath);

  const created = await time(() => call('POST', '/planning/scenarios', { propertyId: property.id, year: YEAR, name: 'Bench what-if' }));
  const id = created.out.json.id;
  const fb = departments.find((d) => d.usaliDepartment === 'fnb');
  // A scenario with changed drivers: the recompute then differs from the baseline everywhere.
  let etag = (
    await call(
      'PATCH',
      `/planning/scenarios/${id}`,
      {
        changes: [
          { driver: 'occupancy', changePct: 5 },
          { driver: 'adr', month: `${YEAR}-07`, changePct: 8 },
          { driver: 'wageRate', changePct: 3 },
          ...(fb ? [{ driver: 'covers', departmentId: fb.id, changePct: 10 }] : []),
        ],
      },
      { 'if-match': created.out.etag },
    )
  ).etag;
  const recompute = () => call('GET', `/planning/scenarios/${id}`);
  const change = async (i) => {
    const r = await call('PATCH', `/planning/scenarios/${id}`, { changes: [{ driver: 'standard', month: `${YEAR}-${String((i % 12) + 1).padStart(2, '0')}`, changePct: i % 2 ? 2 : -2 }] }, { 'if-match': etag });
    etag = r.etag;
    return r;
  };

  const check = (await recompute()).json;
  if (check.months.length !== 12 || check.year.scenario.revenue === check.year.baseline.revenue) throw new Error('the scenario does not project a changed year');

  await report();
  await recompute();
  const copy = () => call('POST', '/planning/scenarios', { propertyId: property.id, year: YEAR, name: 'Bench copy' });
  await copy();
  const samples = { report: [], recompute: [], change: [], copy: [] };
  const last = {};
  // Interleaved, so drift on a noisy machine hits both sides alike.
  for (let i = 0; i < RUNS; i++) {
    for (const [name, fn] of [['report', report], ['recompute', recompute], ['change', () => change(i)], ['copy', copy]]) {
      const r = await time(fn);
      samples[name].push(r.ms);
      last[name] = r.out;
    }
    console.log(`run ${i + 1}/${RUNS}: report ${fmt(samples.report[i], 0)} ms, recompute ${fmt(samples.recompute[i], 0)} ms, change ${fmt(samples.change[i], 0)} ms, copy ${fmt(samples.copy[i], 0)} ms`);
  }
  const p50 = (k) => percentile(samples[k], 50);
  const p95 = (k) => percentile(samples[k], 95);
  const ratio = p50('recompute') / p50('report');
  const row = (label, k, goal) => `| ${label} | ${fmt(p50(k), 0)} | ${fmt(p95(k), 0)} | ${fmt(last[k].bytes / 1024, 0)} | ${fmt(p50(k) / p50('report'), 2)} | ${goal} |`;
  const md = `Command: \`npm run build && node bench/scenarios.js\` (${RUNS} interleaved runs; ${machine()}; ${new Date().toISOString().slice(0, 10)}; 1-min load average ${fmt(loadAtStart, 1)} at the start and ${fmt(os.loadavg()[0], 1)} at the end, on ${os.cpus().length} cores).

Recomputing a what-if scenario of one property-year (\`GET /api/v1/planning/scenarios/{id}\`: 12 months × ${departments.length} departments of drivers projected through the R&P KPI and P&L computations, baseline and scenario, months and year) against the Revenue & Productivity year report of the same property (\`GET /api/v1/reports/revenue-productivity\`, ${YEAR}, month granularity, budget, forecast and last year), both over HTTP in the same run.

| Figure | p50 (ms) | p95 (ms) | JSON body (KiB) | Ratio p50 to the report | Goal |
|---|---|---|---|---|---|
${row('R&P year report (baseline)', 'report', '—')}
${row('Scenario recompute (GET)', 'recompute', ratio <= 1.5 ? '≤ 1.5: met' : '≤ 1.5: missed')}
${row('Driver change (PATCH: read, apply, recompute, conditional write with its audit event)', 'change', '—')}
${row("Copy of the forecast into a new scenario (POST: read the year's forecast rollups, fold by month, derive drivers, recompute, write with its audit event)", 'copy', '—')}

- Data: one hotel (${departments.length} departments) from the demo generator, ${imported.out} records (${YEAR - 1} actuals, ${YEAR} forecasts and budgets, every source type) through the signed webhook endpoint and the import consumer (${fmt(imported.ms / 1000, 0)} s). The first creation, cold, took ${fmt(created.ms, 0)} ms.
- A scenario reads only its own item (one point read): the forecast was copied at creation, so a recompute is CPU (projection and the report computations) plus the item's size; the report reads and folds the property's rollups of two years.
`;
  writeSection('Scenarios', md);
  console.log(md);
} finally {
  await host.stop();
}
