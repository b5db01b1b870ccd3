// Freshness benchmark (issue 16): from a webhook's 202 until its records are visible in the Revenue &
// Productivity report, polled over HTTP as a client would, at idle and while a demo-year import of
// another property is drained. Run: npm run build && node bench/freshness.js
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { adminToken, postBatches, setUp } from './lib/app.js';
import { fmt, machine, percentile, writeSection } from './lib/report.js';

const loadAtStart = os.loadavg()[0];
const SAMPLES = Number(process.env.BENCH_FRESHNESS_SAMPLES ?? 30);
const POLL_MS = 25;
const TIMEOUT_MS = 60_000;

const { demoBatches, demoAccounts } = await import('../dist/shared/integrations/demo-data.js');
const { host, app, tenantId, principal, property, departments, integrations } = await setUp(['pos'], { importConsumer: true });
const outlet = departments.find((d) => d.usaliDepartment === 'fnb') ?? departments[0];

const accessToken = await adminToken(host);

/** The day's revenue of the outlet's department as the report shows it, or undefined while the day has none. */
async function reportedRevenue(date) {
  const q = new URLSearchParams({ propertyId: property.id, from: date, to: date, granularity: 'day', compare: '' });
  const res = await fetch(`${host.url}/api/v1/reports/revenue-productivity?${q}`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (res.status !== 200) throw new Error(`report ${res.status}: ${await res.text()}`);
  return (await res.json()).properties?.[0]?.total?.departments?.find((d) => d.departmentId === outlet.id)?.actual?.revenue;
}

let sample = 0;
/** One POS record on a day of its own; milliseconds from the 202 until the report shows its revenue. */
async function probe() {
  const i = ++sample;
  const date = new Date(Date.parse('2020-01-01T00:00:00Z') + i * 86_400_000).toISOString().slice(0, 10);
  const netRevenue = 1000 + i;
  await postBatches(host, integrations, [{ sourceType: 'pos', records: [{ id: `FRESH-${i}`, businessDate: date, outlet: outlet.code, netRevenue, covers: 10, checks: 4 }] }], `fresh${i}`);
  const accepted = performance.now();
  while (performance.now() - accepted < TIMEOUT_MS) {
    if ((await reportedRevenue(date)) === netRevenue) return performance.now() - accepted;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`record ${i} not visible after ${TIMEOUT_MS} ms`);
}

// Check the probe reads what it means to (and warm up): the report must show exactly the record's revenue.
await probe();
await probe();

const idle = [];
for (let k = 0; k < SAMPLES; k++) {
  idle.push(await probe());
  await new Promise((r) => setTimeout(r, 100));
}

// Under load: a demo year (every source type) for the tenant's other property, sent as fast as the
// webhook takes it and drained by the same consumer, while the probes run.
const [, other] = await app.integrations.service.properties.properties(tenantId);
const otherDepartments = (await app.integrations.service.properties.departments(tenantId, other.id)).map((d) => ({ code: d.code, usaliDepartment: d.usaliDepartment }));
const types = ['pos', 'frs', 'trs', 'tms', 'pms', 'rms', 'snc', 'ams'];
const otherIntegrations = {};
for (const sourceType of types) {
  const { item, secret } = await app.integrations.service.create(principal, {
    propertyId: other.id,
    sourceType,
    name: `freshness load ${sourceType}`,
    format: 'json',
    mappings: { departments: {}, accounts: sourceType === 'ams' ? demoAccounts(otherDepartments) : {} },
    enabled: true,
    acceptance: 'row-level',
  });
  otherIntegrations[sourceType] = { id: item.id, secret };
}
const year = demoBatches({ key: 'freshness', roomsAvailable: other.roomsAvailable ?? 120, departments: otherDepartments }, { today: '2026-06-01' }).filter((b) => types.includes(b.sourceType));
const loadStarted = performance.now();
let loadDone = false;
const load = postBatches(host, otherIntegrations, year, 'load')
  .then(() => app.broker.idle())
  .then(() => {
    loadDone = true;
  });
const busy = [];
while (!loadDone && busy.length < SAMPLES) busy.push(await probe());
await load;
const loadSeconds = (performance.now() - loadStarted) / 1000;
await host.stop();

const rows = [
  ['At idle', SAMPLES, fmt(percentile(idle, 50), 0), fmt(percentile(idle, 95), 0), fmt(Math.max(...idle), 0), 'p95 ≤ 2,000 ms'],
  [`During a demo-year import of another property (${year.length} deliveries, ${year.reduce((a, b) => a + b.records.length, 0)} records, ${fmt(loadSeconds, 1)} s)`, busy.length, fmt(percentile(busy, 50), 0), fmt(percentile(busy, 95), 0), fmt(Math.max(...busy), 0), ''],
];
const table = ['| When | Samples | p50 (ms) | p95 (ms) | max (ms) | Goal |', '|---|---|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const body = `Command: \`npm run build && node bench/freshness.js\` (${machine()}; ${new Date().toISOString().slice(0, 10)}; 1-min load average at start ${fmt(loadAtStart, 1)} on ${os.cpus().length} cores — other work on the machine lengthens every figure).

From the webhook's 202 for one POS record until \`GET /api/v1/reports/revenue-productivity\` (day granularity, the record's day, the admin's bearer token) shows its revenue in the outlet's department, polled every ${POLL_MS} ms over HTTP; each sample a record on a day of its own, one after the other. The path measured: the import message on the in-process broker, the import run (raw body read, parse, fact write, recompute of the day's aggregates) and the report's read of the aggregates.

${table}

- The load: the demo generator's year (365 days back, 120 ahead, every source type) for the tenant's second property, sent through the signed webhook as fast as it answers and drained by the same import consumer, while the probes run against the first property (same tenant: the recompute passes of one tenant are shared, so a probe's day waits for the pass in progress). The probes stop when the load has drained or after ${SAMPLES} samples.
- Every poll is a real report request and emits its report-viewed audit event, as a client's would.`;
console.log(body);
writeSection('Freshness', body);
process.exit(0);
