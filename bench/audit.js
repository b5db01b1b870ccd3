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
  SEED_DEMO: 'false',
  LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'pmi-bench-audit-')),
});

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 3000);
const TENANTS = 8; // = the local broker's maxConcurrentSessions
const VERIFY_ENTRIES = Number(process.env.BENCH_AUDIT_VERIFY_ENTRIES ?? 100_000);

const { catalog } = await import('../dist/functions/catalog.js');
const { startLocalHost } = await import('../dist/shared/platform/local/host.js');
const { auditMessage } = await import('../dist/shared/audit/event.js');
const { buildEntry, GENESIS_HASH } = await import('../dist/shared/audit/chain.js');
const { verifyExport } = await import('../dist/shared/audit/verify.js');

const loadAtStart = os.loadavg()[0];
const host = await startLocalHost({ port: 0, definitions: catalog, timers: false });
const { app } = host;
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
      for (let i = lane; i < n; i += lanes) await col.create({ ...template, id: `raw:${i}`, tenantId, type: 'benchRaw', seq: i });
    }),
  );
  return n / seconds(t);
}

/** Events published to the session-enabled queue for TENANTS tenants, timed until the consumer is idle. */
async function appends(n) {
  run += 1;
  const messages = Array.from({ length: n }, (_, i) => auditMessage(sampleEvent(`app-${run}-${i % TENANTS}`, i)));
  const t = process.hrtime.bigint();
  for (const m of messages) {
    const { queue, ...rest } = m;
    await app.bus.publish(queue, [rest]);
  }
  await app.broker.idle();
  const rate = n / seconds(t);
  const dead = app.broker.deadLetters?.('audit')?.length ?? 0;
  return { rate, dead, tenants: [...new Set(messages.map((m) => m.sessionId))] };
}

// Warm up both paths, then interleave raw / append / raw so drift hits both alike.
await rawCreates(400, TENANTS);
await appends(400);
const rawBefore = await rawCreates(EVENTS, TENANTS);
const { rate: appendRate, tenants } = await appends(EVENTS);
const rawAfter = await rawCreates(EVENTS, TENANTS);
const rawSequential = await rawCreates(Math.floor(EVENTS / 2), 1);
const raw = (rawBefore + rawAfter) / 2;
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
console.log(`raw create, ${TENANTS} parallel writers: ${fmt(raw, 0)} items/s (before ${fmt(rawBefore, 0)}, after ${fmt(rawAfter, 0)}) → ratio ${fmt(ratio)}`);
console.log(`raw create, 1 writer: ${fmt(rawSequential, 0)} items/s → ratio ${fmt(ratioSeq)}`);
console.log(`offline verification: ${fmt(verifyRate, 0)} entries/s (${VERIFY_ENTRIES} entries, ${(text.length / 1e6).toFixed(1)} MB, best of 5)`);

writeSection(
  'Audit',
  `
Command: \`npm run build && node bench/audit.js\` (${machine()}; ${new Date().toISOString().slice(0, 10)}; 1-min load average at start ${fmt(loadAtStart, 1)} on ${os.cpus().length} cores — other work on the machine lowers every figure).

| Figure | Measured | Baseline (same run) | Ratio | Goal |
|---|---|---|---|---|
| Append through the session consumer (events/s, ${EVENTS} events over ${TENANTS} tenant sessions) | ${fmt(appendRate, 0)} | raw creates, ${TENANTS} parallel writers: ${fmt(raw, 0)} items/s | ${fmt(ratio)} | ≥ 0.7 |
| Same, against a single sequential writer | ${fmt(appendRate, 0)} | raw creates, 1 writer: ${fmt(rawSequential, 0)} items/s | ${fmt(ratioSeq)} | — |
| Offline verification of an export (entries/s, ${VERIFY_ENTRIES} entries, ${(text.length / 1e6).toFixed(1)} MB) | ${fmt(verifyRate, 0)} | — | — | ≥ 50,000 |

- Each append is three store operations: a point read of the \`evt:<eventId>\` marker, the create of \`entry:<seq>\` and the create of the marker (see docs/audit.md for why each is needed). The baseline is one create of an item of the same size, so the ratio is bounded by roughly 1 / (2 creates + 1 read) of the store's create rate; the fair baseline is the parallel one, because the consumer also runs ${TENANTS} sessions at once.
- ${ratio >= 0.7 ? 'The append goal is met.' : 'The append goal (≥ 0.7) is not met: with three store round trips per event the ceiling on this store is about 0.4–0.5. Dropping the marker read would break idempotency for late duplicates (an outbox relay after the bus duplicate window), so it stays. The lever that would reach the goal is batching: receive a session\'s messages in batches and write their entries and markers in one Cosmos transactional batch (one round trip, atomic in Azure; the embedded server\'s batches are not atomic), which needs a batch operation on the store and batch delivery from the broker.'}
- The embedded Cosmos server runs in the same process as the consumer (one JavaScript thread for both), so these are CPU-bound figures for the local stack, not Azure RU figures.
- Every benchmark chain was verified intact afterwards; the service's own export of one tenant (${realResult.entries} entries) verified offline as well.
- Verification: JCS serialisation + SHA-256 per entry, checkpoint signature (ES256) once per checkpoint; timing includes JSON parsing of the NDJSON text.
`,
);
process.exit(0);
