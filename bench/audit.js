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
const VERIFY_ENTRIES = Number(process.env.BENCH_AUDIT_VERIFY_ENTRIES ?? 100_000);

const { catalog } = await import('../dist/functions/catalog.js');
const { startLocalHost } = await import('../dist/shared/platform/local/host.js');
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

/**
 * Raw creates of entry-sized items into the audit container: `lanes` sequential writers in parallel.
 * With `withMarker`, each item is preceded by the create of a marker-sized item: the append's two
 * store calls without any of the consumer's work (the store-bound ceiling of the append).
 */
async function rawCreates(n, lanes, withMarker = false) {
  run += 1;
  const template = buildEntry({ ...sampleEvent('x', 0), id: 'e', occurredAt: new Date().toISOString() }, { seq: 0, hash: GENESIS_HASH }, new Date());
  const t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const tenantId = `raw-${run}-${lane}`;
      const col = app.store.collection('audit', tenantId);
      for (let i = lane; i < n; i += lanes) {
        if (withMarker) await col.create({ id: `evt:raw-${i}`, tenantId, type: 'benchRawMarker', eventId: `raw-${i}` });
        await col.create({ ...template, id: `raw:${i}`, tenantId, type: 'benchRaw', seq: i });
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
  const t = process.hrtime.bigint();
  // One publish: the queue holds every tenant's events before the first delivery, so all TENANTS
  // sessions are busy from the start, as the raw writers are.
  await app.bus.publish('audit', messages);
  await app.broker.idle();
  const rate = n / seconds(t);
  const dead = app.broker.deadLettered('audit').length;
  if (dead > 0) throw new Error(`${dead} audit messages were dead-lettered during the benchmark`);
  return { rate, tenants: [...new Set(messages.map((m) => m.sessionId))] };
}

// Warm up both paths, then interleave raw / append / raw so drift hits both alike.
await rawCreates(400, TENANTS);
await appends(400);
const rawBefore = await rawCreates(EVENTS, TENANTS);
const { rate: appendRate, tenants } = await appends(EVENTS);
const rawAfter = await rawCreates(EVENTS, TENANTS);
const rawPairs = await rawCreates(EVENTS, TENANTS, true);
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
const ceiling = rawPairs / raw;
console.log(`append through session consumer: ${fmt(appendRate, 0)} events/s (${EVENTS} events, ${TENANTS} tenants)`);
console.log(`raw create, ${TENANTS} parallel writers: ${fmt(raw, 0)} items/s (before ${fmt(rawBefore, 0)}, after ${fmt(rawAfter, 0)}) → ratio ${fmt(ratio)}`);
console.log(`raw marker+entry create pairs, ${TENANTS} parallel writers: ${fmt(rawPairs, 0)} pairs/s → ceiling ${fmt(ceiling)}, append reaches ${fmt(appendRate / rawPairs)} of it`);
console.log(`raw create, 1 writer: ${fmt(rawSequential, 0)} items/s → ratio ${fmt(ratioSeq)}`);
console.log(`offline verification: ${fmt(verifyRate, 0)} entries/s (${VERIFY_ENTRIES} entries, ${(text.length / 1e6).toFixed(1)} MB, best of 5)`);

writeSection(
  'Audit',
  `
Command: \`npm run build && node bench/audit.js\` (${machine()}; ${new Date().toISOString().slice(0, 10)}; 1-min load average at start ${fmt(loadAtStart, 1)} on ${os.cpus().length} cores — other work on the machine lowers every figure).

| Figure | Measured | Baseline (same run) | Ratio | Goal |
|---|---|---|---|---|
| Append through the session consumer (events/s, ${EVENTS} events over ${TENANTS} tenant sessions) | ${fmt(appendRate, 0)} | raw creates, ${TENANTS} parallel writers: ${fmt(raw, 0)} items/s | ${fmt(ratio)} | ≥ 0.7 |
| The append's two store calls alone (marker + entry creates, ${TENANTS} parallel writers, pairs/s) | ${fmt(rawPairs, 0)} | raw creates, ${TENANTS} parallel writers: ${fmt(raw, 0)} items/s | ${fmt(ceiling)} (ceiling) | — |
| Append through the session consumer against that ceiling | ${fmt(appendRate, 0)} | ${fmt(rawPairs, 0)} pairs/s | ${fmt(appendRate / rawPairs)} | — |
| Same append, against a single sequential writer | ${fmt(appendRate, 0)} | raw creates, 1 writer: ${fmt(rawSequential, 0)} items/s | ${fmt(ratioSeq)} | — |
| Offline verification of an export (entries/s, ${VERIFY_ENTRIES} entries, ${(text.length / 1e6).toFixed(1)} MB) | ${fmt(verifyRate, 0)} | — | — | ≥ 50,000 |

- Like with like: the consumer gets ${TENANTS} tenants, read from the local broker's \`maxConcurrentSessions\` (${TENANTS} sessions in parallel), all queued by one publish before the first delivery; the raw baseline runs the same number of parallel writers, one tenant each. On this stack parallel writers are not faster than one (the embedded server and the consumer share one JavaScript thread), so the sequential row is shown only for comparison.
- Each append is two store calls on the usual path: create \`evt:<eventId>\` (its 409 is the duplicate check — no read) and create \`entry:<seq>\`; a redelivery adds a query (docs/audit.md, "Idempotency"). Before this change the append was three calls (read the marker, create the entry, create the marker) and the same benchmark measured a ratio of **0.36** (committed run of 2026-11-23); an A/B run of both appenders in one process, alternating with raw creates, gave 0.29–0.30 (three calls) against 0.37–0.41 (two calls), i.e. about 1.3× the append rate.
- ${ratio >= 0.7 ? 'The append goal is met in this run.' : `The append goal (≥ 0.7) is not met (${fmt(ratio)}).`} What bounds it: (1) two store round trips per event against one in the baseline — the pair row is that bound measured directly (a marker is smaller than an entry, so a pair costs less than two entry creates); (2) the rest of the path on the same thread: broker delivery (JSON copies of each message), zod validation of the event, the function wrapper's logging context, and the JCS + SHA-256 of the entry. Reaching 0.7 needs one round trip per event, i.e. a session's events delivered as a batch and written as one Cosmos transactional batch (entries + markers); the in-process broker delivers one message per call and the embedded server has no atomic batch, so that is not done here.
- Dropping the marker from the hot path is not an option: idempotency must hold for a duplicate that arrives after the bus's duplicate window (an outbox relay re-publishing), and the audit container is create + read only, so no head item can be updated in its place.
- The embedded Cosmos server runs in the same process as the consumer (one JavaScript thread for both), so these are CPU-bound figures for the local stack, not Azure RU figures.
- Every benchmark chain was verified intact afterwards; the service's own export of one tenant (${realResult.entries} entries) verified offline as well.
- Verification: JCS serialisation + SHA-256 per entry, checkpoint signature (ES256) once per checkpoint; timing includes JSON parsing of the NDJSON text.
`,
);
process.exit(0);
