// Connector benchmark (issue 17). Run: npm run build && node bench/connectors.js
// A one-year backfill of one hotel from the fake Mews Connector API (its own process), from the
// backfill request until every import it produced is processed, in records per second; against the
// import pipeline's own rate for the same canonical records in the same run: the bodies of the
// connector's stored imports, sent as signed canonical webhooks to a second property, timed from the
// first request until every import is processed.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { adminToken, setUp } from './lib/app.js';
import { buildFakes } from './lib/fakes.js';
import { fmt, machine, startProcess, stopProcess, writeSection } from './lib/report.js';

const loadAtStart = os.loadavg()[0];
const DAYS = Number(process.env.BENCH_CONNECTOR_DAYS ?? 365);
const ROUNDS = Number(process.env.BENCH_CONNECTOR_ROUNDS ?? 3);
/** The unmeasured first pair (other properties, the first days of the same year): neither side is timed on cold code. */
const WARM_DAYS = 30;
const SYSTEM = { type: 'system', id: 'bench' };

const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const localDate = (instant, timeZone) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);

// The fake hotel (Mews's reference enterprise is in Budapest) has stays over the year ending yesterday.
const now = new Date();
const TIME_ZONE = 'Europe/Budapest';
const today = localDate(now, TIME_ZONE);
const year = { from: addDays(today, -DAYS), to: addDays(today, -1) };

buildFakes(['test/fakes/vendors/mews/server.ts', 'test/fakes/vendors/mews/dataset.ts']);
const fake = await startProcess(['bench/lib/fake-mews.js'], { FAKE_FROM: year.from, FAKE_TO: year.to, FAKE_NOW: now.toISOString().replace(/\.\d{3}Z$/, 'Z') }, /listening on (http:\/\/\S+) (\{.*\})\n/);
const vendor = JSON.parse(/listening on \S+ (\{.*\})\n/.exec(fake.output())[1]);
let fakeOut = '';
fake.child.stdout.on('data', (d) => (fakeOut += d.toString()));
if (vendor.timeZone !== TIME_ZONE) throw new Error(`the fake hotel is in ${vendor.timeZone}, not ${TIME_ZONE}`);

/** The fake's running totals (requests, bytes answered, time answering), which it prints on SIGUSR2. */
async function vendorTotals() {
  const seen = fakeOut.length;
  fake.child.kill('SIGUSR2');
  for (;;) {
    const m = /stats (\{.*\})\n/.exec(fakeOut.slice(seen));
    if (m) return JSON.parse(m[1]);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const { signWebhook } = await import('../dist/shared/integrations/signature.js');
const { host, app, tenantId, principal } = await setUp([], { importConsumer: true });
const accessToken = await adminToken(host);

/** A property of its own with the departments the Mews mapping posts to (codes ROOMS, FB, SPA). */
async function hotel(name) {
  const property = await app.identity.tenants.createProperty(tenantId, { name, timezone: TIME_ZONE, currency: 'EUR', roomsAvailable: 20 }, SYSTEM, {});
  for (const d of [
    { code: 'ROOMS', name: 'Rooms', usaliDepartment: 'rooms', driver: 'roomsSold', standardHoursPerUnit: 0.5 },
    { code: 'FB', name: 'Food & Beverage', usaliDepartment: 'fnb', driver: 'covers', standardHoursPerUnit: 0.3 },
    { code: 'SPA', name: 'Spa', usaliDepartment: 'other', driver: 'none', standardHoursPerUnit: null },
  ])
    await app.identity.tenants.createDepartment(tenantId, property.id, d, SYSTEM, {});
  return property.id;
}

const common = { format: 'json', enabled: true, acceptance: 'row-level' };
const accounts = { 'MEWS-REVENUE': 'revenue' };

async function mewsIntegration(propertyId) {
  const { item } = await app.integrations.service.create(principal, {
    ...common,
    kind: 'pull',
    connector: 'mews',
    propertyId,
    name: 'bench mews',
    settings: {
      baseUrl: fake.url,
      enterpriseId: vendor.enterpriseId,
      serviceId: vendor.serviceId,
      complimentaryRateIds: vendor.complimentaryRateIds,
      // The reference's "Alcoholic Beverage" category has no classification: the hotel maps its code.
      departments: { byCategoryCode: { 100: 'FB' } },
    },
    credentials: { clientToken: vendor.clientToken, accessToken: vendor.accessToken },
    mappings: { departments: {}, accounts },
  });
  return item.id;
}

async function webhookIntegrations(propertyId) {
  const out = {};
  for (const sourceType of ['pms', 'ams']) {
    const { item, secret } = await app.integrations.service.create(principal, { ...common, propertyId, sourceType, name: `bench ${sourceType}`, mappings: { departments: {}, accounts: sourceType === 'ams' ? accounts : {} } });
    out[sourceType] = { id: item.id, secret };
  }
  return out;
}

/** The imports of an integration, oldest first, with their stored records (the import records themselves). */
async function importsOf(integrationId) {
  const { items } = await app.integrations.listImports(principal, integrationId, { limit: 1000 });
  const full = await Promise.all(items.map(async (v) => (await app.integrations.getImport(principal, integrationId, v.id)).item));
  return full.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
}

const summary = (imports) => ({
  imports: imports.length,
  records: imports.reduce((n, i) => n + (i.counts?.records ?? 0), 0),
  accepted: imports.reduce((n, i) => n + (i.counts?.accepted ?? 0), 0),
  statuses: imports.reduce((m, i) => ({ ...m, [i.status]: (m[i.status] ?? 0) + 1 }), {}),
});

/**
 * One pair: a backfill of `range` on a fresh property through the route, timed until the broker is
 * idle (every window pulled, every import processed); then the bodies of the imports it stored, sent
 * in the same order as signed canonical webhooks to a second fresh property, timed the same way.
 */
async function pair(label, range) {
  const mewsId = await mewsIntegration(await hotel(`${label} (Mews)`));
  const hooks = await webhookIntegrations(await hotel(`${label} (webhooks)`));
  await app.broker.idle();
  const vendorBefore = await vendorTotals();

  let started = performance.now();
  const asked = await fetch(`${host.url}/api/v1/integrations/${mewsId}/backfill`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(range),
  });
  if (asked.status !== 202) throw new Error(`backfill ${asked.status}: ${await asked.text()}`);
  const plan = await asked.json();
  await app.broker.idle();
  const connectorSeconds = (performance.now() - started) / 1000;
  const vendorAfter = await vendorTotals();
  const { view } = await app.connectorRuns.status(principal, mewsId);
  if (view.backfill.pendingWindows !== 0 || view.lastError) throw new Error(`backfill not done: ${JSON.stringify(view)}`);
  const connectorImports = await importsOf(mewsId);
  const bodies = await Promise.all(connectorImports.map(async (i) => ({ sourceType: i.sourceType, body: await app.integrations.raw.get(i) })));
  await app.broker.idle();

  started = performance.now();
  for (const [n, b] of bodies.entries()) {
    const hook = hooks[b.sourceType];
    const res = await fetch(`${host.url}/api/v1/integrations/${hook.id}/webhook`, {
      method: 'POST',
      body: b.body,
      headers: { ...signWebhook(hook.secret, `${label}_${n}`, new Date(), b.body), 'content-type': 'application/json' },
    });
    if (res.status !== 202) throw new Error(`webhook ${res.status}: ${await res.text()}`);
  }
  await app.broker.idle();
  const pipelineSeconds = (performance.now() - started) / 1000;
  const pipelineImports = [...(await importsOf(hooks.pms.id)), ...(await importsOf(hooks.ams.id))];

  const connector = {
    ...summary(connectorImports),
    seconds: connectorSeconds,
    windows: plan.windows,
    objectsRead: view.recordsRead,
    bytes: bodies.reduce((n, b) => n + b.body.length, 0),
    vendor: { requests: vendorAfter.requests - vendorBefore.requests, bytes: vendorAfter.bytes - vendorBefore.bytes, answeringSeconds: (vendorAfter.answeringMs - vendorBefore.answeringMs) / 1000 },
  };
  const pipeline = { ...summary(pipelineImports), seconds: pipelineSeconds };
  connector.rate = connector.records / connector.seconds;
  pipeline.rate = pipeline.records / pipeline.seconds;
  if (connector.records !== pipeline.records || connector.records === 0) throw new Error(`record counts differ: connector ${connector.records}, pipeline ${pipeline.records}`);
  return { range, connector, pipeline, ratio: connector.rate / pipeline.rate };
}

const warm = await pair('warm-up', { from: year.from, to: addDays(year.from, WARM_DAYS - 1) });
const rounds = [];
for (let i = 0; i < ROUNDS; i++) rounds.push(await pair(`round-${i + 1}`, year));
// Each round on properties of its own, a first load every time; the table shows the median round.
const r = [...rounds].sort((x, y) => x.ratio - y.ratio)[Math.floor(rounds.length / 2)];
await host.stop();
await stopProcess(fake.child);
const fakeStats = [...fakeOut.matchAll(/stats (\{.*\})\n/g)].map((m) => JSON.parse(m[1])).at(-1) ?? {};

const c = r.connector;
const p = r.pipeline;
console.log(`connector backfill: ${fmt(c.rate, 0)} records/s (${c.records} records, ${c.imports} imports, ${fmt(c.seconds, 1)} s)`);
console.log(`import pipeline, same records: ${fmt(p.rate, 0)} records/s (${p.records} records, ${p.imports} imports, ${fmt(p.seconds, 1)} s)`);
console.log(`ratio connector / pipeline: ${fmt(r.ratio)} (goal ≥ 0.8; rounds ${rounds.map((x) => fmt(x.ratio)).join(', ')})`);
console.log(JSON.stringify({ ratio: r.ratio, rounds: rounds.map((x) => x.ratio), connector: c, pipeline: p, warm: { ratio: warm.ratio, connector: warm.connector.rate, pipeline: warm.pipeline.rate }, fake: fakeStats, range: r.range, loadAtStart }));

const met = r.ratio >= 0.8;
const rows = [
  [
    `Mews backfill of one year, one hotel (records/s; ${r.range.from} … ${r.range.to} in ${c.windows} windows of up to 89 days; ${c.records} canonical records in ${c.imports} imports; median of ${rounds.length} rounds)`,
    `${fmt(c.rate, 0)} (${fmt(c.seconds, 1)} s)`,
    `${fmt(p.rate, 0)} (${fmt(p.seconds, 1)} s: the same ${p.records} records as ${p.imports} signed canonical webhooks)`,
    `${fmt(r.ratio)} (rounds: ${rounds.map((x) => fmt(x.ratio)).join(', ')})`,
    '≥ 0.8',
  ],
];
const table = ['| Figure | Connector | Baseline: import pipeline | Ratio | Goal |', '|---|---|---|---|---|', ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n');
const body = `Command: \`npm run build && node bench/connectors.js\` (${machine()}; ${new Date().toISOString().slice(0, 10)}; 1-min load average at start ${fmt(loadAtStart, 1)} on ${os.cpus().length} cores — other work on the machine lowers every figure).

${table}

- The vendor: the fake Mews Connector API (test/fakes/vendors/mews, compiled by the bench into node_modules/.cache/pmi-bench-fakes, outside dist/, and run in a process of its own, as the vendor is another machine), one hotel of 20 rooms with ${vendor.reservations} reservations and ${vendor.orderItems} order items over the year; every request is checked against Mews's published reference (${fakeStats.violations ?? 'n/a'} violations, ${fakeStats.failed ?? 'n/a'} answers other than 200 in the whole run). The app runs in the bench's process on the embedded store (LOCAL_PERSIST=false), with the \`connector-runs\` and \`imports\` consumers attached.
- Connector: from \`POST /integrations/{id}/backfill\` over HTTP (a \`pull\` integration of the \`mews\` connector, before its first run, so the range is its first load) until the broker is idle: every window read from the vendor, mapped, handed to the pipeline, and every import processed (${JSON.stringify(c.statuses)}). Up to three windows are read at once (the Mews manifest's \`backfillConcurrency\`; the state write that closes a window queues the next pending one), and a window's imports are processed while other windows are read.
- Baseline, in the same run: the raw bodies of the connector's stored imports (${fmt(c.bytes / 1024, 0)} KiB), in the order they were received, sent one after another as signed canonical webhooks to \`pms\` and \`ams\` webhook integrations of a second fresh property, from the first request until the broker is idle (${JSON.stringify(p.statuses)}). Same records, same import sizes, same processing; what the connector adds is reading the vendor, the mapping and the run state. Each round uses two properties of its own (a first load every time); neither side is timed cold: a first pair (${WARM_DAYS} days, two other properties) runs unmeasured before the rounds (it measured ${fmt(warm.ratio)}).
- What the connector read for those ${c.records} records (median round): ${c.objectsRead} vendor objects in ${c.vendor.requests} requests, ${fmt(c.vendor.bytes / 1048576, 1)} MB of JSON — about ${fmt(c.vendor.bytes / Math.max(c.bytes, 1), 0)} times the canonical records it produced. The connector derives a day's rooms sold and revenue from every reservation colliding with it and every order item consumed on it (shared/connectors/vendors/mews/sync.ts), each a full Mews object as the reference prints it. The fake spent ${fmt(c.vendor.answeringSeconds, 1)} s of the backfill's ${fmt(c.seconds, 1)} s answering (request in to last byte out: validation, filtering and paging of the hotel's year, serialisation, and waiting for a core on this loaded machine).
- ${met ? 'The goal (≥ 0.8) is met in this run.' : `The goal (≥ 0.8) is not met in this run (${fmt(r.ratio)}), and as stated it cannot be on this data: the connector must read and parse ${fmt(c.vendor.bytes / Math.max(c.bytes, 1), 0)} times the bytes the pipeline is handed, on the same thread that processes the imports (below).`} The measured alternative, the connector's own throughput on what it has to read: ${fmt(c.vendor.bytes / 1048576 / c.seconds, 1)} MB/s of vendor JSON, ${fmt(c.objectsRead / c.seconds, 0)} vendor objects/s, end to end including the processing of its imports. What changed on 2026-12-05 (before: 0.40, median of 3 rounds at load 10, rounds 0.27–0.50): (1) the runs engine reads up to \`backfillConcurrency\` windows of one integration at once (Mews 3, inside its 200 requests per token per 30 s; docs/connectors.md, "Backfill windows side by side"), so a window's vendor reads no longer wait for the previous window's mapping and hand-over; (2) business dates are memoised per (zone, UTC hour) in shared/connectors/local-days.ts (exact: an hour is memoised only when its first and last minute share the local date and the offset); (3) the Mews page schemas of the bulk objects (reservations, order items, blocks) keep only the fields the mapping reads instead of copying some forty more per object (a page of 1,000 such objects: 15 ms → under 1 ms of zod). The ratio did not measurably move: runs before and after each change stayed within the machine's noise (120 days, one round: 0.38, then 0.47 with concurrent windows, then 0.36 with the memo; a year, three rounds: 0.45 after (1) and (2), 0.45 and 0.37 after (3)), though the connector's own CPU work fell (below). What dominates now, from a CPU profile of the app's main thread over a one-year backfill after all three (\`node --cpu-prof\`, one round, 3.3 s): the thread was busy 95 % of the backfill; the Cosmos SDK 47 % inclusive (the imports' processing, the very work the baseline times, its partition-key hashing and request encoding at the top, plus the run state), \`JSON.parse\` of vendor answers (vendor-http.ts \`responseOf\`) 5 % self, garbage collection 6 % (was 13 %), the Mews sync and mapping 8 %, business dates 2 % (was 8 %), zod under 2 % (was 7 %). So the connector's own work is now a fifth of its time, and the rest is the pipeline's processing of its imports on the same thread, which cannot overlap the reading of the last windows: the ratio is bounded by pipeline ÷ (pipeline + what the connector adds that does not overlap), and 0.8 would need that addition, reading and parsing 29.5 MB, under a quarter of the pipeline's own time for 200 KB (about 0.4 s here). What would move it further is outside the connector: the SDK's per-request cost in the import processing (it is the baseline's cost too), or the vendor sending less (these Mews operations have no field selection).
- The machine is noisy: this run's rounds ranged from ${fmt(Math.min(...rounds.map((x) => x.ratio)))} to ${fmt(Math.max(...rounds.map((x) => x.ratio)))}, and single-round runs on 2026-12-05 from 0.30 to 0.56 before the changes and 0.30 to 0.47 after; compare the median round's ratio only.`;
console.log(body);
// A shorter range (BENCH_CONNECTOR_DAYS) is a quick look: docs/benchmarks.md keeps the year's figures.
if (!process.env.BENCH_CONNECTOR_DAYS) writeSection('Connectors', body);
