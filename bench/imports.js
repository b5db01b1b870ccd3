// Integration benchmarks (issue 5). Run: npm run build && node bench/imports.js
//  1. Webhook endpoint (signed POS batches, unique webhook-ids) requests/s and p99 vs a bare
//     node:http server answering 202, same autocannon settings, both in child processes.
//  2. Import pipeline records/s vs the raw upsert rate of the same store, same process and run,
//     and store writes per imported record.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fmt, machine, startProcess, stopProcess, writeSection } from './lib/report.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 10;
const READY = /listening on (http:\/\/\S+)\/api\/v1/;
const baseEnv = () => ({
  PORT: '0',
  LOG_LEVEL: 'error',
  LOCAL_TIMERS: 'false',
  SEED_DEMO: 'false',
  PASSWORD_BCRYPT_COST: '4',
  DEMO_PASSWORD: 'Bench-Passw0rd!x9',
  LOCAL_KEK: randomBytes(32).toString('base64'),
});

/** Builds the app in this process, seeds the demo tenant and returns one integration per requested source type. */
async function setUp(types, options = {}) {
  const { catalog } = await import('../dist/functions/catalog.js');
  const { startLocalHost } = await import('../dist/shared/platform/local/host.js');
  const { ALL_PERMISSIONS } = await import('../dist/shared/access/permissions.js');
  const { demoAccounts } = await import('../dist/shared/integrations/demo-data.js');
  // The import consumer is attached later (or never): the phases measure one thing at a time.
  const definitions = catalog.filter((d) => !(d.kind === 'serviceBus' && d.queue === 'imports'));
  const host = await startLocalHost({ port: 0, definitions, timers: false });
  const app = host.app;
  await app.identity.seedDemo();
  const tenantId = await app.identity.tenants.tenantIdForSlug('demo-hotels');
  const principal = { kind: 'user', tenantId, userId: 'system:bench', sessionId: 'bench', amr: [], authTime: 0, grants: new Map(ALL_PERMISSIONS.map((p) => [p, { all: true }])) };
  const [property] = await app.integrations.service.properties.properties(tenantId);
  const departments = await app.integrations.service.properties.departments(tenantId, property.id);
  const integrations = {};
  for (const sourceType of types) {
    const accounts = sourceType === 'ams' ? demoAccounts(departments.map((d) => ({ code: d.code, usaliDepartment: d.usaliDepartment }))) : {};
    const { item, secret } = await app.integrations.service.create(principal, {
      propertyId: property.id,
      sourceType,
      name: `bench ${sourceType}`,
      format: 'json',
      mappings: { departments: {}, accounts },
      enabled: true,
      acceptance: 'row-level',
      ...options,
    });
    integrations[sourceType] = { id: item.id, secret };
  }
  return { host, app, tenantId, property, departments, integrations };
}

// Child mode: the webhook target, with no import consumer attached.
if (process.argv[2] === '--serve') {
  const { host, integrations } = await setUp(['pos']);
  console.log(`listening on ${host.url}/api/v1 ${integrations.pos.id} ${integrations.pos.secret}`);
  process.on('SIGTERM', () => host.stop().then(() => process.exit(0)));
} else {
  await main();
}

async function load(url, setupRequest) {
  const opts = { url, method: 'POST', connections: CONNECTIONS, requests: [{ method: 'POST', setupRequest }] };
  await autocannon({ ...opts, duration: 2 });
  const r = await autocannon({ ...opts, duration: DURATION });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors, non202: r.non2xx + (r['2xx'] - (r.statusCodeStats?.['202']?.count ?? r['2xx'])) };
}

async function webhookPhase() {
  const { signWebhook } = await import('../dist/shared/integrations/signature.js');
  const bare = await startProcess(['bench/lib/bare-server.js'], { PORT: '0', BARE_STATUS: '202', BARE_BODY: JSON.stringify({ importId: 'imp_x' }) }, READY);
  let n = 0;
  const body = (i) => JSON.stringify({ records: ['REST', 'BAR', 'FB'].map((o) => ({ id: `Z-${i}-${o}`, businessDate: '2026-01-01', outlet: 'FB', netRevenue: 100 + (i % 50), covers: 10, checks: 5 })) });
  const baseline = await load(`${bare.url}/integrations/x/webhook`, (req) => ({ ...req, body: body(++n), headers: { 'content-type': 'application/json' } }));
  await stopProcess(bare.child);

  const served = await startProcess(['bench/imports.js', '--serve'], baseEnv(), /listening on (http:\/\/\S+)\/api\/v1 (\S+) (\S+)/);
  const [, , id, secret] = /listening on (http:\/\/\S+)\/api\/v1 (\S+) (\S+)/.exec(served.output());
  const ours = await load(`${served.url}/api/v1/integrations/${id}/webhook`, (req) => {
    const i = ++n;
    const b = body(i);
    return { ...req, body: b, headers: { ...signWebhook(secret, `msg_bench_${i}`, new Date(), b), 'content-type': 'application/json' } };
  });
  await stopProcess(served.child);
  return { baseline, ours };
}

async function rawUpserts(app, count, concurrency) {
  const col = app.store.collection('facts', 'bench-raw');
  let i = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < count) {
        const k = i++;
        await col.upsert({ id: `raw:${k}`, tenantId: 'bench-raw', type: 'fact', sourceType: 'pos', propertyId: 'p', date: '2026-01-01', scenario: 'actual', contributions: [{ departmentId: 'd', measures: { revenue: k, covers: 1 } }], digest: String(k), importId: 'x', updatedAt: '' });
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function rawReads(app, count, concurrency) {
  const col = app.store.collection('facts', 'bench-raw');
  let i = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < count) await col.read(`raw:${i++ % 3000}`);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** Counts store calls by kind while `on()` says so: the pipeline's round trips per record. */
async function countStoreCalls(on) {
  const { TenantCollection } = await import('../dist/shared/platform/cosmos/store.js');
  const counts = {};
  for (const m of ['read', 'create', 'upsert', 'replace', 'patch', 'delete', 'all', 'page']) {
    const original = TenantCollection.prototype[m];
    TenantCollection.prototype[m] = function (...args) {
      if (on()) counts[m] = (counts[m] ?? 0) + 1;
      return original.apply(this, args);
    };
  }
  return counts;
}

async function pipelinePhase() {
  Object.assign(process.env, baseEnv());
  const { demoBatches } = await import('../dist/shared/integrations/demo-data.js');
  const { signWebhook } = await import('../dist/shared/integrations/signature.js');
  const types = ['pos', 'frs', 'tms', 'pms', 'rms', 'snc', 'ams'];
  const { host, app, property, departments, integrations } = await setUp(types);
  const batches = demoBatches({ key: 'bench', roomsAvailable: property.roomsAvailable ?? 150, departments: departments.map((d) => ({ code: d.code, usaliDepartment: d.usaliDepartment })) }, { today: '2026-06-01', historyDays: Number(process.env.BENCH_HISTORY_DAYS ?? 45), aheadDays: 60 }).filter((b) =>
    types.includes(b.sourceType),
  );
  let records = 0;
  for (const [i, b] of batches.entries()) {
    const body = JSON.stringify({ records: b.records });
    const integration = integrations[b.sourceType];
    const res = await globalThis.fetch(`${host.url}/api/v1/integrations/${integration.id}/webhook`, { method: 'POST', body, headers: { ...signWebhook(integration.secret, `bench_${i}`, new Date(), body), 'content-type': 'application/json' } });
    if (res.status !== 202) throw new Error(`webhook ${res.status}`);
    records += b.records.length;
  }
  const concurrency = app.config.IMPORT_WRITE_CONCURRENCY;
  const rawBefore = await rawUpserts(app, 3000, concurrency);
  const rawReadRate = await rawReads(app, 3000, concurrency);
  let counting = false;
  const calls = await countStoreCalls(() => counting);
  // Attach the consumer and time the drain of the queued imports.
  counting = true;
  const started = performance.now();
  app.broker.subscribe('imports', async (m) => {
    await app.integrations.process(m.body, app.log);
  });
  await app.broker.idle();
  const seconds = (performance.now() - started) / 1000;
  counting = false;
  const rawAfter = await rawUpserts(app, 3000, concurrency);
  const tenantId = await app.identity.tenants.tenantIdForSlug('demo-hotels');
  const imports = await app.store.collection('imports', tenantId).all("SELECT c.status, c.counts FROM c WHERE c.type = 'import'");
  const writes = imports.reduce((n, i) => n + (i.counts?.storeWrites ?? 0), 0);
  const upserted = imports.reduce((n, i) => n + (i.counts?.upserted ?? 0), 0);
  const aggregatesWritten = imports.reduce((n, i) => n + (i.counts?.aggregatesWritten ?? 0), 0);
  const statuses = imports.reduce((m, i) => ({ ...m, [i.status]: (m[i.status] ?? 0) + 1 }), {});
  await host.stop();
  return { records, imports: imports.length, statuses, seconds, rate: records / seconds, raw: (rawBefore + rawAfter) / 2, rawReadRate, calls, writes, upserted, aggregatesWritten, concurrency };
}

async function main() {
  const { baseline, ours } = await webhookPhase();
  const p = await pipelinePhase();
  const perRecord = (kinds) => kinds.reduce((n, k) => n + (p.calls[k] ?? 0), 0) / p.records;
  const readsPerRecord = perRecord(['read', 'all', 'page']);
  const writesPerRecord = perRecord(['create', 'upsert', 'replace', 'patch', 'delete']);
  // What the store calls alone allow, at the raw rates measured in the same process and run.
  const callBound = 1 / (writesPerRecord / p.raw + readsPerRecord / p.rawReadRate);
  const rows = [
    ['Webhook throughput (req/s, signed 3-record POS batch)', fmt(ours.rps, 0), fmt(baseline.rps, 0), fmt(ours.rps / baseline.rps), '≥ 0.5'],
    ['Webhook p99 latency (ms)', fmt(ours.p99, 1), fmt(baseline.p99, 1), fmt(ours.p99 / Math.max(baseline.p99, 1)), ''],
    [`Import pipeline (records/s; ${p.records} records in ${p.imports} imports)`, fmt(p.rate, 0), `${fmt(p.raw, 0)} (raw upserts/s, same store, concurrency ${p.concurrency})`, fmt(p.rate / p.raw), '≥ 0.8'],
  ];
  const table = ['| Figure | Ours | Baseline | Ratio | Goal |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const body = `Command: \`npm run build && node bench/imports.js\` (${DURATION} s per load run, ${CONNECTIONS} connections, autocannon; ${machine()}; ${new Date().toISOString().slice(0, 10)}).

${table}

- Store writes per imported record: ${fmt(p.writes / p.records)} (${p.upserted} fact writes, ${p.aggregatesWritten} aggregate writes, the rest fact-day commits), on top of the webhook's 2 writes per delivery (import record carrying its sealed body and queue message, then the outbox clean-up).
- Import outcomes: ${JSON.stringify(p.statuses)}. Errors or unexpected statuses during load: ours ${ours.errors + ours.non202}, baseline ${baseline.errors + baseline.non202}.
- The webhook phase runs with no import consumer attached (the queue only fills), so it measures receipt: signature check, integration look-up, seal of the body, one outbox commit. The pipeline phase drains ${p.imports} queued imports of demo data (${types()}) with the consumer attached, against the embedded Cosmos DB server in the same process; the raw rate is the mean of 3,000 plain upserts before and after, with the pipeline's write concurrency.
- What was slow (CPU profiles, \`node --cpu-prof\`): the embedded server answered every request with \`connection: close\`, so each store call opened and tore down a TCP connection on the shared event loop; it now runs with keep-alive (back-to-back runs on 2026-11-23 before and after: webhook 207 → 547 req/s, raw upserts 792 → 2,873/s; the SDK's own agent already kept connections alive, the server closed them). The webhook also read the integration and opened its secrets on every delivery; that look-up is now cached in-process for 30 s (RECEIVING_CACHE_MS in shared/integrations/service.ts): changes made through the same instance evict at once, a disable or secret change made on another instance is seen within 30 s (rotation keeps the old secret valid for 24 h anyway), and secret expiry is checked on every delivery.
- What bounds the webhook: a receipt is two store calls (the import record with its sealed body and queue message in one write, then the outbox clean-up patch), each through the Cosmos SDK to the embedded server in the same single-threaded process, while the bare server does no I/O at all. With the store's raw write rate of ${fmt(p.raw, 0)}/s in this process, two writes per receipt cap the endpoint near ${fmt(p.raw / 2, 0)} req/s, i.e. a ratio of about ${fmt(p.raw / 2 / baseline.rps)} against the bare server: the ≥ 0.5 goal is out of reach on this architecture (it would need a store about ${fmt((baseline.rps * 0.5 * 2) / p.raw, 0)}× faster per call). In Azure the endpoint is latency-bound (two Cosmos DB calls, the look-up cached) and scales out with Functions instances.
- What bounds the pipeline: per imported record the drain made ${fmt(writesPerRecord)} store writes and ${fmt(readsPerRecord)} reads (${JSON.stringify(p.calls)}, including the import records' own reads and outcome commits); at this process's raw rates (${fmt(p.raw, 0)} upserts/s, ${fmt(p.rawReadRate, 0)} point reads/s) those calls alone allow about ${fmt(callBound, 0)} records/s, a ratio of ${fmt(callBound / p.raw)}, before any parsing, validation, sealing or aggregation. The writes alone are ${fmt(p.writes / p.records)} per record (facts, aggregates, day commits), so even with no reads at all the ratio could not exceed ${fmt(p.records / p.writes)}; the ≥ 0.8 goal would need fewer than 1.25 writes per record, while each touched day must write its changed aggregates and commit its fact list on its ETag. On top of the writes, each record reads its previous version (to skip unchanged re-sends and find the day a corrected record leaves) and each touched day re-reads all of its facts after reading the day item (the ETag commit is what keeps aggregates consistent under concurrent imports, so the facts cannot be taken from memory). Reading those ids with one query per hundred instead of point reads was measured and rejected: the embedded server answers every query by scanning every item of the container (all tenants), so it ran at 160–210 records/s against 390–650 with parallel point reads; in Azure the same id-list query is an index look-up and would cut the round trips.`;
  console.log(body);
  writeSection('Integrations', body);
}

function types() {
  return 'POS, FRS, TMS, PMS, RMS, S&C, AMS; 45 days back, 60 ahead';
}
