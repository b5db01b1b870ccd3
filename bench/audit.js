// Audit benchmarks (issue 4):
//  (a) append throughput through the session consumer (in-process broker → auditAppend → hash
//      chain in the embedded Cosmos server) vs the raw create rate of the same store, same run;
//  (b) offline verification speed of an exported chain (the same module `npm run audit:verify` uses).
// Run: npm run build && node bench/audit.js
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import os from 'node:os';
import { fmt, machine, writeSection } from './lib/report.js';

Object.assign(process.env, {
  LOG_LEVEL: 'error',
  LOCAL_KEK: randomBytes(32).toString('base64'),
  LOCAL_TIMERS: 'false',
  // Measured on the in-memory store alone: no snapshots of local state (LOCAL_PERSIST) competing for the CPU.
  LOCAL_PERSIST: 'false',
  SEED_DEMO: 'false',
  LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'pmi-bench-audit-')),
  // broker.idle() waits for scheduled messages too: prompt audit checkpoints would add their delay to every measurement.
  AUDIT_CHECKPOINT_DELAY_SECONDS: '0',
});

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 3000);
const VERIFY_ENTRIES = Number(process.env.BENCH_AUDIT_VERIFY_ENTRIES ?? 100_000);

const { catalog } = await import('../dist/functions/catalog.js');
const { startLocalHost } = await import('../dist/host/host.js');
const { auditMessage } = await import('../dist/shared/audit/event.js');
const { buildEntry, GENESIS_HASH } = await import('../dist/shared/audit/chain.js');
const { verifyExport } = await import('../dist/shared/audit/verify.js');

const loadAtStart = os.loadavg()[0];
const host = await startLocalHost({ port: 0, definitions: catalog, timers: false });
const { app } = host;
// Like with like: the consumer gets as many tenants (sessions) as the broker runs at once, and the
// raw baseline gets the same number of parallel writers.
const TENANTS = app.broker?.options?.maxConcurrentSessions;
if (!Number.isInteger(TENANTS) || TENANTS < 1) throw new Error('cannot read the local broker\'s maxConcurrentSessions');
const seconds = (t) => Number(process.hrtime.bigint() - t) / 1e9;
let run = 0;

function sampleEvent(tenantId, i) {
  return {
    tenantId,
    actor: { type: 'user', id: `user-${i % 7}` },
    action: 'settings.updated',
    target: { type: 'settings', id: 'password-policy' },
    outcome: 'success',
    correlationId: `corr-${i}`,
    details: { i, note: 'benchmark event' },
  };
}

/** Raw creates of entry-sized items into the audit container: `lanes` sequential writers in parallel. */
async function rawCreates(n, lanes) {
  run += 1;
  const template = buildEntry({ ...sampleEvent('x', 0), id: 'e', occurredAt: new Date().toISOString() }, { seq: 0, hash: GENESIS_HASH }, new Date());
  const t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const tenantId = `raw-${run}-${lane}`;
      const col = app.store.collection('audit', tenantId);
      for (let i = lane; i < n; i += lanes) {
        await col.create({ ...template, id: `raw:${i}`, tenantId, type: 'benchRaw', seq: i, eventId: `raw-${i}` });
      }
    }),
  );
  return n / seconds(t);
}

/** Events published to the session-enabled queue for TENANTS tenants, timed until the consumer is idle. */
async function appends(n) {
  run += 1;
  const messages = Array.from({ length: n }, (_, i) => {
    const message = auditMessage(sampleEvent(`app-${run}-${i % TENANTS}`, i));
    delete message.queue; // the queue is publish's first argument
    return message;
  });
  const statsBefore = app.store.createGroupStats('audit');
  const t = process.hrtime.bigint();
  // One publish: the queue holds every tenant's events before the first delivery, so all TENANTS
  // sessions are busy from the start, as the raw writers are.
  await app.bus.publish('audit', messages);
  await app.broker.idle();
  const rate = n / seconds(t);
  const statsAfter = app.store.createGroupStats('audit');
  const dead = app.broker.deadLettered('audit').length;
  if (dead > 0) throw new Error(`${dead} audit messages were dead-lettered during the benchmark`);
  return {
    rate,
    tenants: [...new Set(messages.map((m) => m.sessionId))],
    requests: statsAfter.requests - statsBefore.requests,
    creates: statsAfter.creates - statsBefore.creates,
  };
}

// Warm up both paths (the store thread's JIT too), then interleave raw / append / raw / append ...
// so drift hits both alike; each round's ratio is its append against the mean of the raw runs on
// either side, and the figure is the median round.
const ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 3);
await rawCreates(EVENTS, TENANTS);
await appends(EVENTS);
const raws = [await rawCreates(EVENTS, TENANTS)];
const rounds = [];
const tenants = [];
for (let r = 0; r < ROUNDS; r++) {
  const appended = await appends(EVENTS);
  raws.push(await rawCreates(EVENTS, TENANTS));
  const around = (raws[r] + raws[r + 1]) / 2;
  rounds.push({ append: appended.rate, raw: around, ratio: appended.rate / around, requests: appended.requests, creates: appended.creates });
  tenants.push(...appended.tenants);
}
const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)];
const { append: appendRate, raw } = median;
const perRequest = median.creates / median.requests;
const rawSequential = await rawCreates(Math.floor(EVENTS / 2), 1);
for (const t of tenants) {
  const v = await app.audit.verify(t);
  if (!v.ok || v.entries !== EVENTS / TENANTS) throw new Error(`chain of ${t} is not intact after the benchmark: ${JSON.stringify(v)}`);
}

// (b) Offline verification: an export of VERIFY_ENTRIES entries (built by the chain code, signed by
// the app's audit key) and, for realism, the export of one appended tenant from the service.
const tenantId = 'verify-bench';
const lines = [];
let prev = { seq: 0, hash: GENESIS_HASH };
const entries = [];
for (let i = 1; i <= VERIFY_ENTRIES; i++) {
  prev = buildEntry({ ...sampleEvent(tenantId, i), id: `evt-${i}`, occurredAt: new Date(1767225600000 + i * 1000).toISOString() }, prev, new Date(1767225600000 + i * 1000));
  entries.push(prev);
}
const claims = { tenantId, seq: VERIFY_ENTRIES, headHash: prev.hash, at: new Date().toISOString() };
const { jws } = await app.audit.signer.sign(claims);
lines.push(JSON.stringify({ type: 'auditExportMeta', format: 1, tenantId, exportedAt: claims.at, firstSeq: 1, lastSeq: VERIFY_ENTRIES, prevHash: GENESIS_HASH, keysUrl: 'n/a' }));
lines.push(JSON.stringify({ type: 'auditCheckpoint', ...claims, jws }));
for (const e of entries) lines.push(JSON.stringify(e));
const text = lines.join('\n') + '\n';
const jwks = await app.audit.publicKeys();
await verifyExport(text, jwks); // warm-up
const timings = [];
let result;
for (let i = 0; i < 5; i++) {
  const t = process.hrtime.bigint();
  result = await verifyExport(text, jwks);
  timings.push(seconds(t));
}
if (!result.ok) throw new Error(`synthetic export failed verification: ${JSON.stringify(result)}`);
const best = Math.min(...timings);
const verifyRate = VERIFY_ENTRIES / best;

let real = '';
await app.audit.checkpoint(tenants[0]);
for await (const line of app.audit.exportLines(tenants[0], {}, 'n/a')) real += line + '\n';
const realResult = await verifyExport(real, jwks);
if (!realResult.ok) throw new Error(`service export failed verification: ${JSON.stringify(realResult)}`);

await host.stop();

const ratio = appendRate / raw;
const ratioSeq = appendRate / rawSequential;
console.log(`append through session consumer: ${fmt(appendRate, 0)} events/s (${EVENTS} events, ${TENANTS} tenants)`);
console.log(`raw create, ${TENANTS} parallel writers: ${fmt(raw, 0)} items/s → ratio ${fmt(ratio)} (median of rounds ${rounds.map((x) => fmt(x.ratio)).join(', ')})`);
console.log(`store requests: ${median.requests} bulk requests for ${median.creates} creates (${fmt(perRequest, 1)} per request)`);
console.log(`raw create, 1 writer: ${fmt(rawSequential, 0)} items/s → ratio ${fmt(ratioSeq)}`);
console.log(`offline verification: ${fmt(verifyRate, 0)} entries/s (${VERIFY_ENTRIES} entries, ${(text.length / 1e6).toFixed(1)} MB, best of 5)`);

writeSection(
  'Audit',
  `
Command: \`npm run build && node bench/audit.js\` (${machine()}; ${new Date().toISOString().slice(0, 10)}; 1-min load average at start ${fmt(loadAtStart, 1)} on ${os.cpus().length} cores — other work on the machine lowers every figure).

| Figure | Measured | Baseline (same run) | Ratio | Goal |
|---|---|---|---|---|
| Append through the session consumer (events/s, ${EVENTS} events over ${TENANTS} tenant sessions) | ${fmt(appendRate, 0)} | raw creates, ${TENANTS} parallel writers: ${fmt(raw, 0)} items/s | ${fmt(ratio)} (median of ${ROUNDS} rounds: ${rounds.map((x) => fmt(x.ratio)).join(', ')}) | ≥ 0.7 |
| Store requests per appended event (group commit) | ${fmt(median.requests / EVENTS, 2)} (${median.creates} creates in ${median.requests} bulk requests, ${fmt(perRequest, 1)} per request) | raw: 1 request per create | — | — |
| Same append, against a single sequential writer | ${fmt(appendRate, 0)} | raw creates, 1 writer: ${fmt(rawSequential, 0)} items/s | ${fmt(ratioSeq)} | — |
| Offline verification of an export (entries/s, ${VERIFY_ENTRIES} entries, ${(text.length / 1e6).toFixed(1)} MB) | ${fmt(verifyRate, 0)} | — | — | ≥ 50,000 |

- Like with like: the consumer gets ${TENANTS} tenants, read from the local broker's \`maxConcurrentSessions\` (${TENANTS} sessions in parallel), all queued by one publish before the first delivery; the raw baseline runs the same number of parallel writers, one tenant each, creating items of an entry's size. After a warm-up of both, raw and append runs alternate; a round's ratio is its append rate against the mean of the raw runs before and after it, and the table shows the median round (the append rate of that round).
- ${ratio >= 0.7 ? 'The append goal (≥ 0.7) is met in this run.' : `The append goal (≥ 0.7) is not met in this run (${fmt(ratio)}).`} An append is one create on the usual path, \`entry:<seq>\`, whose 409 covers both a fork (the seq is taken) and a duplicate (the container's unique key /eventId); a 409 adds one point read to tell them apart (docs/audit.md, "Idempotency"). The creates of all sessions in flight go to the store together (group commit, shared/platform/cosmos/create-group.ts): every create asked for in one turn of the event loop leaves as one bulk request, each with its own outcome — no atomicity across them, none needed. Sessions stay strictly sequential per tenant: an event's message completes only after its own create answered.
- Why the ratio can exceed 1: the baseline is the issue's, one request per create; the app's main thread (SDK request building, HTTP) is this stack's bottleneck, and a group of ${fmt(perRequest, 1)} creates costs it about one request. Without the group (one create per request) the same append measured 0.57–0.72 of the raw rate on 2026-11-23; before the unique key (two creates per event) 0.43–0.55; with three calls per event 0.36.
- The embedded Cosmos server runs on its own worker thread in the same process (2 vCPUs shared by the app thread, the store thread and the benchmark), so these are CPU-bound figures for the local stack, not Azure RU figures.
- Every benchmark chain was verified intact afterwards; the service's own export of one tenant (${realResult.entries} entries) verified offline as well.
- Verification: JCS serialisation + SHA-256 per entry, checkpoint signature (ES256) once per checkpoint; timing includes JSON parsing of the NDJSON text.
`,
);
process.exit(0);
