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
  const [property] = await app.integrations.service.properties.list(tenantId);
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
  // Attach the consumer and time the drain of the queued imports.
  const started = performance.now();
  app.broker.subscribe('imports', async (m) => {
    await app.integrations.process(m.body, app.log);
  });
  await app.broker.idle();
  const seconds = (performance.now() - started) / 1000;
  const rawAfter = await rawUpserts(app, 3000, concurrency);
  const tenantId = await app.identity.tenants.tenantIdForSlug('demo-hotels');
  const imports = await app.store.collection('imports', tenantId).all("SELECT c.status, c.counts FROM c WHERE c.type = 'import'");
  const writes = imports.reduce((n, i) => n + (i.counts?.storeWrites ?? 0), 0);
  const upserted = imports.reduce((n, i) => n + (i.counts?.upserted ?? 0), 0);
  const aggregatesWritten = imports.reduce((n, i) => n + (i.counts?.aggregatesWritten ?? 0), 0);
  const statuses = imports.reduce((m, i) => ({ ...m, [i.status]: (m[i.status] ?? 0) + 1 }), {});
  await host.stop();
  return { records, imports: imports.length, statuses, seconds, rate: records / seconds, raw: (rawBefore + rawAfter) / 2, writes, upserted, aggregatesWritten, concurrency };
}

async function main() {
  const { baseline, ours } = await webhookPhase();
  const p = await pipelinePhase();
  const rows = [
    ['Webhook throughput (req/s, signed 3-record POS batch)', fmt(ours.rps, 0), fmt(baseline.rps, 0), fmt(ours.rps / baseline.rps), '≥ 0.5'],
    ['Webhook p99 latency (ms)', fmt(ours.p99, 1), fmt(baseline.p99, 1), fmt(ours.p99 / Math.max(baseline.p99, 1)), ''],
    [`Import pipeline (records/s; ${p.records} records in ${p.imports} imports)`, fmt(p.rate, 0), `${fmt(p.raw, 0)} (raw upserts/s, same store, concurrency ${p.concurrency})`, fmt(p.rate / p.raw), '≥ 0.8'],
  ];
  const table = ['| Figure | Ours | Baseline | Ratio | Goal |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const body = `Command: \`npm run build && node bench/imports.js\` (${DURATION} s per load run, ${CONNECTIONS} connections, autocannon; ${machine()}; ${new Date().toISOString().slice(0, 10)}).

${table}

- Store writes per imported record: ${fmt(p.writes / p.records)} (${p.upserted} fact writes, ${p.aggregatesWritten} aggregate writes, the rest fact-day commits), on top of the webhook's 2 writes per delivery (import record with its outbox message, outbox clean-up).
- Import outcomes: ${JSON.stringify(p.statuses)}. Errors or unexpected statuses during load: ours ${ours.errors + ours.non202}, baseline ${baseline.errors + baseline.non202}.
- The webhook phase runs with no import consumer attached (the queue only fills), so it measures receipt: signature check, integration read, gzip + seal of the body, one outbox commit. The pipeline phase drains ${p.imports} queued imports of demo data (${types()}) with the consumer attached, against the embedded Cosmos DB server in the same process; the raw rate is the mean of 3,000 plain upserts before and after, with the pipeline's write concurrency.
- Why the webhook is far below the bare server: a receipt is three store round trips (integration read, import create carrying its queue message, the outbox clean-up patch) through the Cosmos SDK to the embedded server, which runs in the same Node process; the bare server does no I/O at all. A CPU profile of the receiving process is dominated by the SDK, the embedded server, and new TCP connections from the SDK to the embedded server; HMAC, sealing and zod are a few per cent. In Azure the endpoint is latency-bound (three Cosmos DB calls) and scales out with Functions instances.
- Why the pipeline is below the raw upsert rate: per record it reads the previous version by id (to skip unchanged re-sends and to find the day a corrected record leaves), writes the fact, and each touched day is recomputed from all of its facts by point reads (so every import re-reads the other sources' facts of its days); time records add three seals, a blind index and an open. The raw figure is writes alone. Closing the gap would take per-source partial sums per day (a recompute then reads only the changed source's facts) and, in Azure, bulk or per-partition transactional batch writes.`;
  console.log(body);
  writeSection('Integrations', body);
}

function types() {
  return 'POS, FRS, TMS, PMS, RMS, S&C, AMS; 45 days back, 60 ahead';
}
