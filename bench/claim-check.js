// Claim-check benchmark (issue 18): where a webhook's raw body should live. For canonical `pos`
// webhook bodies of 10 KB, 100 KB, 1 MB and 5 MB (the webhook's largest), and one 50 MB body (the
// largest file drop, which RawStore seals the same way), the time to put and to get
// the sealed body (gzip + AES-GCM under the tenant key, both sides) through
//  (a) Cosmos DB items on the embedded server, as RawStore stored every body before blobs: inline in
//      one item up to ~1 MB packed, chunk items of ≤ 900 KB above (an inline body is timed as the
//      write and point read of the item that carries it, as the import record does), and
//  (b) the same sealed bytes as one blob in Azurite (the in-process emulator the app starts),
// p50 of REPEATS each, same process, alternating (a) and (b). The Azure cost side is computed from list
// prices, not measured: RU per write and read of those sizes (docs/capacity.md's RU model) against
// Blob Storage hot-tier operations, and storage per GB-month.
// Run: npm run build && node bench/claim-check.js
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { setUp } from './lib/app.js';
import { fmt, machine, percentile, writeSection } from './lib/report.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
/** The canonical webhook bodies, up to WEBHOOK_MAX_BODY_BYTES; then a file drop of FILES_MAX_BYTES (files go through the same RawStore). */
const SIZES = [10 * 1024, 100 * 1024, 1024 * 1024, 5 * 1024 * 1024, Number(process.env.BENCH_CLAIM_FILE_MB ?? 50) * 1024 * 1024];
const REPEATS = Number(process.env.BENCH_CLAIM_REPEATS ?? 15);

// List prices, USD, pay-as-you-go, West Europe, as published through 2025 (docs/capacity.md "Prices").
const PRICE = {
  /** Cosmos DB autoscale: $0.012 per 100 RU/s-hour; one RU/s for an hour serves 3,600 RU, so a request unit costs 0.012 / 100 / 3600 (if the throughput is used). */
  ruAutoscale: 0.012 / 100 / 3600,
  cosmosGbMonth: 0.25,
  /** Blob Storage hot tier, LRS, West Europe: data stored (first 50 TB), write ops (Put Block, Put Blob) per 10,000, read ops per 10,000. */
  blobGbMonth: 0.0184,
  blobWritePer10k: 0.065,
  blobReadPer10k: 0.005,
};
/** docs/capacity.md "RU model": create 5.5 RU/KB, point read 1 RU/KB, delete 5.5 RU (at least 1 KB each). */
const RU = { createPerKb: 5.5, readPerKb: 1, delete: 5.5 };
/** What the SDK uploads in one Put Blob (@azure/storage-blob uploadData's default single-shot limit): larger bodies go as blocks of 4 MB + Put Block List. */
const SINGLE_SHOT = 256 * 1024 * 1024;

/** A canonical POS body of about `bytes`: checks with their own ids, outlets and amounts (compresses like a real one, not like a repeated line). */
function posBody(bytes) {
  const records = [];
  let size = 14;
  for (let i = 0; size < bytes; i++) {
    const r = {
      id: `CHK-${randomBytes(6).toString('hex')}`,
      businessDate: `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`,
      outlet: ['REST', 'BAR', 'ROOMSVC', 'SPA'][i % 4],
      netRevenue: Math.round(Math.random() * 50_000) / 100,
      covers: 1 + (i % 7),
      checks: 1,
    };
    size += JSON.stringify(r).length + 1;
    records.push(r);
  }
  return Buffer.from(JSON.stringify({ records }));
}

const { host, app, tenantId, property } = await setUp(['pos']);
const { RawStore, rawChunkId } = await import('../dist/shared/integrations/raw-store.js');
const { mapLimit } = await import('../dist/shared/platform/concurrency.js');
const { TENANT_SUBJECT } = await import('../dist/shared/integrations/service.js');
const raw = new RawStore(app);
const imports = app.store.collection('imports', tenantId);
const scoped = imports.for({ propertyId: property.id });
const container = `bench-raw-${randomBytes(4).toString('hex')}`;
await app.blobs.ensureContainer(container);
const ctx = (importId, index = 0) => ({ tenantId, subjectId: TENANT_SUBJECT, field: 'import.raw', recordId: `${importId}:${index}` });
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;

/** RawStore's limits of the Cosmos DB layout: inline up to this many packed characters, else chunk items of at most CHUNK_BYTES. */
const INLINE_LIMIT = 1_000_000;
const CHUNK_BYTES = 900_000;

/**
 * (a): the body in Cosmos DB items as RawStore wrote every body before blobs (and still writes small
 * ones): one item carrying it inline, or chunk items written 4 at a time; get: the read of the
 * inline item, then RawStore.get (which reads chunk items itself).
 */
async function cosmosRound(body, importId) {
  const receivedAt = new Date().toISOString();
  let t = process.hrtime.bigint();
  const packed = (await gzipAsync(body)).toString('base64');
  const parts = [];
  if (packed.length > INLINE_LIMIT) for (let i = 0; i < packed.length; i += CHUNK_BYTES) parts.push(packed.slice(i, i + CHUNK_BYTES));
  const record = { id: importId, tenantId, propertyId: property.id, type: 'importRaw', importId, index: 0, receivedAt, raw: { chunks: parts.length, encoding: 'gzip' } };
  if (parts.length === 0) await imports.upsert({ ...record, enc: { raw: await app.cipher.seal(ctx(importId), packed) } });
  else {
    await mapLimit(parts, 4, async (part, index) => {
      const enc = { raw: await app.cipher.seal(ctx(importId, index), part) };
      await imports.upsert({ id: rawChunkId(importId, index), tenantId, propertyId: property.id, type: 'importRaw', importId, index, receivedAt, enc });
    });
  }
  const putMs = ms(t);
  t = process.hrtime.bigint();
  const item = parts.length === 0 ? await scoped.read(importId) : record;
  const back = await raw.get(item);
  const getMs = ms(t);
  if (!back.equals(body)) throw new Error('RawStore returned another body');
  return { putMs, getMs, chunks: parts.length };
}

/** (b): the same packing and seal, the sealed value as one blob; get: download, open, gunzip. */
async function blobRound(body, importId) {
  let t = process.hrtime.bigint();
  const packed = (await gzipAsync(body)).toString('base64');
  const sealed = Buffer.from(JSON.stringify(await app.cipher.seal(ctx(importId), packed)));
  await app.blobs.put(container, importId, sealed, 'application/json');
  const putMs = ms(t);
  t = process.hrtime.bigint();
  const content = await app.blobs.get(container, importId);
  const opened = await app.cipher.open(ctx(importId), JSON.parse(content.bytes.toString('utf8')));
  const back = await gunzipAsync(Buffer.from(opened.value, 'base64'));
  const getMs = ms(t);
  if (!back.equals(body)) throw new Error('the blob returned another body');
  return { putMs, getMs, sealedBytes: sealed.length, packedChars: packed.length };
}

const rows = [];
for (const size of SIZES) {
  const body = posBody(size);
  // One unmeasured round each: first container, first key use, first SDK paths.
  await cosmosRound(body, `imp_warm_${size}`).catch(() => undefined);
  await blobRound(body, `imp_warm_${size}`).catch(() => undefined);
  const a = [];
  const b = [];
  // A failed put or get is counted and shown, not retried: it is part of the measurement.
  const failures = { a: [], b: [] };
  const attempt = async (round, into, failed, id) => {
    try {
      into.push(await round(body, id));
    } catch (err) {
      failed.push(err.message);
    }
  };
  for (let r = 0; r < REPEATS; r++) {
    await attempt(cosmosRound, a, failures.a, `imp_${size}_${r}`);
    await attempt(blobRound, b, failures.b, `imp_${size}_${r}`);
  }
  rows.push({
    size,
    bodyBytes: body.length,
    sealedBytes: b[0]?.sealedBytes ?? NaN,
    // RawStore's own split (INLINE_LIMIT, CHUNK_BYTES) of the same packed body: known even when its put failed.
    chunks: b[0] && b[0].packedChars > 1_000_000 ? Math.ceil(b[0].packedChars / 900_000) : 0,
    failures,
    cosmosPut: percentile(a.map((x) => x.putMs), 50),
    cosmosGet: percentile(a.map((x) => x.getMs), 50),
    blobPut: percentile(b.map((x) => x.putMs), 50),
    blobGet: percentile(b.map((x) => x.getMs), 50),
  });
  console.log(JSON.stringify({ ...rows.at(-1), failures: { a: failures.a.length, b: failures.b.length, first: failures.a[0] ?? failures.b[0] } }));
}
await host.close?.();

const kb = (bytes) => Math.max(1, Math.ceil(bytes / 1024));
const usd = (x) => (x < 0.01 ? `$${x.toPrecision(2)}` : `$${fmt(x, 4)}`);
function cost(r) {
  // Cosmos: one create and one read of the sealed bytes (inline or in chunks, the RU are per KB either way), one delete per chunk at purge (the inline body is removed by the patch of the import record the purge makes anyway).
  const ruWrite = kb(r.sealedBytes) * RU.createPerKb;
  const ruRead = kb(r.sealedBytes) * RU.readPerKb;
  const ruPurge = r.chunks * RU.delete;
  const cosmos = (ruWrite + ruRead + ruPurge) * PRICE.ruAutoscale;
  const blobWrites = r.sealedBytes <= SINGLE_SHOT ? 1 : Math.ceil(r.sealedBytes / (4 * 1024 * 1024)) + 1;
  // Delete is free on Blob Storage; the read is one Get Blob.
  const blob = (blobWrites * PRICE.blobWritePer10k) / 10_000 + PRICE.blobReadPer10k / 10_000;
  // 30 days of retention: one month of storage per body (Cosmos also indexes; not counted: the body is one opaque string).
  const gb = r.sealedBytes / 1024 ** 3;
  return { ruWrite, ruRead, ruPurge, cosmos, blob, cosmosStore: gb * PRICE.cosmosGbMonth, blobStore: gb * PRICE.blobGbMonth };
}

const label = (n) => (n >= 1024 * 1024 ? `${n / 1024 / 1024} MB` : `${n / 1024} KB`);
const date = new Date().toISOString().slice(0, 10);
const table = [
  '| Body | Sealed | Cosmos (a): as | put p50 ms | get p50 ms | Blob (b): put p50 ms | get p50 ms | put ratio b/a | get ratio b/a |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${label(r.size)} | ${fmt(r.sealedBytes / 1024, 0)} KB | ${r.chunks ? `${r.chunks} chunk items` : 'inline'} | ${fmt(r.cosmosPut, 1)} | ${fmt(r.cosmosGet, 1)} | ${fmt(r.blobPut, 1)} | ${fmt(r.blobGet, 1)} | ${fmt(r.blobPut / r.cosmosPut)} | ${fmt(r.blobGet / r.cosmosGet)} |`),
  ...rows.filter((r) => r.failures.a.length + r.failures.b.length > 0).map((r) => `\nFailed rounds at ${label(r.size)}: (a) ${r.failures.a.length} of ${REPEATS}${r.failures.a.length ? ` (${[...new Set(r.failures.a)].join('; ')})` : ''}, (b) ${r.failures.b.length} of ${REPEATS}${r.failures.b.length ? ` (${[...new Set(r.failures.b)].join('; ')})` : ''}.`),
];
const costTable = [
  '| Body | Cosmos RU: write + read + purge | Cosmos $ per body (RU) | Blob $ per body (ops) | Cosmos $ storage, 30 days | Blob $ storage, 30 days | Cosmos ÷ Blob, all |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => {
    const c = cost(r);
    return `| ${label(r.size)} | ${fmt(c.ruWrite, 0)} + ${fmt(c.ruRead, 0)} + ${fmt(c.ruPurge, 0)} | ${usd(c.cosmos)} | ${usd(c.blob)} | ${usd(c.cosmosStore)} | ${usd(c.blobStore)} | ${fmt((c.cosmos + c.cosmosStore) / (c.blob + c.blobStore), 1)} × |`;
  }),
];
const section = `Command: \`npm run build && node bench/claim-check.js\` (${machine()}; ${date}; p50 of ${REPEATS} rounds per size, (a) and (b) alternating in one process).

Put and get of one sealed canonical \`pos\` webhook body (gzip + AES-GCM under the tenant key on both sides): (a) Cosmos DB items on the embedded server as RawStore stored every body before blobs (inline in the item up to 1,000,000 packed characters, else chunk items of ≤ 900 KB; an inline body's put/get include the write/point read of the item that carries it), (b) the same sealed bytes as one blob in the in-process Azurite.

${table.join('\n')}

Azure cost per body, computed from list prices (not measured): RU by docs/capacity.md's RU model (create 5.5 RU/KB, point read 1 RU/KB, delete 5.5 RU per chunk item at purge) at the autoscale price ($0.012 per 100 RU/s-hour, i.e. $${(PRICE.ruAutoscale * 1e6).toFixed(4)} per million RU if the throughput is used); Blob hot tier LRS West Europe: one Put Blob ($${PRICE.blobWritePer10k} per 10,000 write operations), one Get Blob ($${PRICE.blobReadPer10k} per 10,000 read operations), delete free; storage $${PRICE.cosmosGbMonth} vs $${PRICE.blobGbMonth} per GB-month for the 30 days of retention (azure.microsoft.com/pricing/details/cosmos-db/ and /pricing/details/storage/blobs/, values published through 2025).

${costTable.join('\n')}

The decision these figures led to, and why: docs/integrations.md, "Claim-check store".`;
writeSection('Claim check', section);
console.log(section);
process.exit(0);
