// File benchmark (issue 18). Run: node bench/files.js (compiles what it needs; no build of the app).
// A 50 MB night-audit CSV (OPERA GDPDU transaction-summary layout: `;`, DD.MM.YYYY, decimal comma)
// and an XLSX workbook of the same rows, each read by parseFile with the ready-made mapping (as a
// stream from disk), in records per second and peak RSS growth; against the import pipeline's own
// parse of the same records as canonical JSON webhook bodies (1,000 records per body, parseBatch), in
// the same run. Each measurement runs in a child process of its own, so RSS growth is its own.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { buildFakes, FAKES_DIR } from './lib/fakes.js';
import { fmt, machine, writeSection } from './lib/report.js';

const TARGET_BYTES = Number(process.env.BENCH_FILES_MB ?? 50) * 1024 * 1024;
const BATCH = 1000;
const CODES = 900;

const measuring = process.argv[2] === 'measure';
/** The compiled parser and the pipeline's canonical parser (emit only, into the bench cache, like the fakes); once, by the parent. */
if (!measuring) buildFakes(['shared/files/parse-file.ts', 'shared/files/mappings/index.ts', 'shared/integrations/parse.ts']);
const load = (path) => import(join(FAKES_DIR, path));

const pad = (n, w = 2) => String(n).padStart(w, '0');
const german = (x) => {
  const [whole, frac] = Math.abs(x).toFixed(2).split('.');
  return `${x < 0 ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${frac}`;
};

/** The night-audit rows: one per business date and transaction code, every tenth a payment (left out by the mapping). */
function* rows() {
  const start = Date.UTC(2023, 0, 1);
  for (let day = 0; ; day++) {
    const d = new Date(start + day * 86_400_000);
    for (let c = 0; c < CODES; c++) {
      const net = ((day * 7919 + c * 104729) % 2_000_000) / 100 + 10;
      yield { date: d, dateText: `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`, iso: d.toISOString().slice(0, 10), code: String(1000 + c), flag: c % 10 === 9 ? '04' : '01', net, vat: Math.round(net * 7) / 100 };
    }
  }
}

async function write(stream, text) {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function generate(dir) {
  const csvPath = join(dir, 'night-audit.csv');
  const jsonPath = join(dir, 'night-audit.ndjson');
  const xlsxPath = join(dir, 'night-audit.xlsx');
  const csv = createWriteStream(csvPath);
  const json = createWriteStream(jsonPath);
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsxPath, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('GDPDU_REV_SUM');
  const header = ['POST_DATE', 'TRX_CODE', 'FLAG', 'TRX_CODE_DESC', 'GROSS_AMT', 'NET_AMT', 'VAT_AMT'];
  await write(csv, header.join(';') + '\r\n');
  sheet.addRow(header).commit();
  let bytes = 0;
  let rowCount = 0;
  let records = [];
  let recordCount = 0;
  for (const r of rows()) {
    if (bytes >= TARGET_BYTES) break;
    const line = `${r.dateText};"${r.code}";"${r.flag}";"Umsatz ${r.code}";${german(r.net + r.vat)};${german(r.net)};${german(r.vat)}\r\n`;
    bytes += line.length;
    rowCount++;
    await write(csv, line);
    const row = sheet.addRow([r.date, r.code, r.flag, `Umsatz ${r.code}`, Math.round((r.net + r.vat) * 100) / 100, r.net, r.vat]);
    row.getCell(1).numFmt = 'dd.mm.yyyy';
    row.commit();
    if (r.flag !== '01') continue;
    records.push({ id: `opera-gdpdu2:${r.iso}:${r.code}`, date: r.iso, account: r.code, amount: r.net, kind: 'actual' });
    recordCount++;
    if (records.length === BATCH) {
      await write(json, JSON.stringify({ records }) + '\n');
      records = [];
    }
  }
  if (records.length > 0) await write(json, JSON.stringify({ records }) + '\n');
  csv.end();
  json.end();
  sheet.commit();
  await Promise.all([once(csv, 'finish'), once(json, 'finish'), workbook.commit()]);
  return { csvPath, jsonPath, xlsxPath, rowCount, recordCount };
}

/** In the child: one measurement, printed as JSON. RSS is sampled every 20 ms from after the modules are loaded. */
async function measure(kind, path) {
  const { parseFile } = await load('shared/files/parse-file.js');
  const { READY_MAPPINGS } = await load('shared/files/mappings/index.js');
  const { parseBatch } = await load('shared/integrations/parse.js');
  const { FORMATS } = await load('shared/integrations/formats/index.js');
  // Unique rows: no need to hold ids for adding up (combine: sum would keep one record per id in memory).
  const csvMapping = { ...READY_MAPPINGS['opera-gdpdu-revenue'].parsed, combine: 'none' };
  const mapping = kind === 'xlsx' ? { ...csvMapping, file: { kind: 'xlsx', headerRow: 1 } } : csvMapping;
  global.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  let records = 0;
  let errors = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  if (kind === 'json') {
    for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      const parsed = parseBatch(FORMATS.ams, 'json', Buffer.from(line));
      if (parsed.fatal) throw new Error(parsed.fatal.message);
      records += parsed.records.length;
      errors += parsed.errors.length;
    }
  } else {
    for await (const step of parseFile(createReadStream(path), kind === 'csv' ? 'text/csv' : 'application/octet-stream', mapping)) {
      records += step.batch.records.length;
      errors += step.errors.length;
    }
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.stdout.write(JSON.stringify({ kind, records, errors, ms, cpuMs: (used.user + used.system) / 1000, rssGrowthMb: (peak - base) / 1024 / 1024, baseMb: base / 1024 / 1024 }) + '\n');
}

function child(kind, path) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['bench/files.js', 'measure', kind, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`measure ${kind} exited ${code}`))));
  });
}

if (measuring) {
  await measure(process.argv[3], process.argv[4]);
} else {
  const loadAtStart = os.loadavg()[0];
  const dir = mkdtempSync(join(os.tmpdir(), 'pmi-bench-files-'));
  try {
    const t0 = performance.now();
    const files = await generate(dir);
    console.log(`generated ${files.rowCount} rows (${files.recordCount} revenue records) in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    const size = (p) => statSync(p).size / 1024 / 1024;
    // Interleaved: the baseline before and after each file kind, so load drift hits both sides.
    const json1 = await child('json', files.jsonPath);
    const csv = await child('csv', files.csvPath);
    const json2 = await child('json', files.jsonPath);
    const xlsx = await child('xlsx', files.xlsxPath);
    const json3 = await child('json', files.jsonPath);
    for (const r of [json1, csv, json2, xlsx, json3]) {
      if (r.records !== files.recordCount || r.errors !== 0) throw new Error(`${r.kind}: ${r.records} records, ${r.errors} errors; expected ${files.recordCount}, 0`);
      console.log(`${r.kind}: ${fmt(r.records / (r.ms / 1000), 0)} records/s, peak RSS growth ${fmt(r.rssGrowthMb, 0)} MB`);
    }
    const rate = (r) => r.records / (r.ms / 1000);
    const cpuRate = (r) => r.records / (r.cpuMs / 1000);
    const baseCsv = (rate(json1) + rate(json2)) / 2;
    const baseXlsx = (rate(json2) + rate(json3)) / 2;
    const cpuBaseCsv = (cpuRate(json1) + cpuRate(json2)) / 2;
    const cpuBaseXlsx = (cpuRate(json2) + cpuRate(json3)) / 2;
    const loadAtEnd = os.loadavg()[0];
    writeSection(
      'Files',
      `Command: \`node bench/files.js\` (${machine()}; ${new Date().toISOString().slice(0, 10)}; 1-min load average ${fmt(loadAtStart, 1)} at start and ${fmt(loadAtEnd, 1)} at the end, on ${os.cpus().length} cores).

| File | Size | Rows | Records | parseFile (records/s) | Baseline: canonical JSON bodies, parseBatch (records/s) | Ratio | CPU ratio | Peak RSS growth | Goal |
|---|---|---|---|---|---|---|---|---|---|
| Night-audit CSV (\`;\`, decimal comma, GDPDU layout) | ${fmt(size(files.csvPath), 1)} MB | ${files.rowCount} | ${csv.records} | ${fmt(rate(csv), 0)} | ${fmt(baseCsv, 0)} | ${fmt(rate(csv) / baseCsv)} | ${fmt(cpuRate(csv) / cpuBaseCsv)} | ${fmt(csv.rssGrowthMb, 0)} MB | ratio ≥ 0.7, RSS < 200 MB |
| The same rows as XLSX | ${fmt(size(files.xlsxPath), 1)} MB | ${files.rowCount} | ${xlsx.records} | ${fmt(rate(xlsx), 0)} | ${fmt(baseXlsx, 0)} | ${fmt(rate(xlsx) / baseXlsx)} | ${fmt(cpuRate(xlsx) / cpuBaseXlsx)} | ${fmt(xlsx.rssGrowthMb, 0)} MB | ratio ≥ 0.7, RSS < 200 MB |
| Baseline runs | ${fmt(size(files.jsonPath), 1)} MB NDJSON | — | ${json1.records} | ${[json1, json2, json3].map((r) => fmt(rate(r), 0)).join(', ')} | — | — | — | ${[json1, json2, json3].map((r) => fmt(r.rssGrowthMb, 0)).join(', ')} MB | — |

- What is compared: the parse stage only. parseFile reads the file as a stream from disk (decoding, CSV or XLSX, the mapping's date and number reading, the record id, the format's zod validation) with the ready-made \`opera-gdpdu-revenue\` mapping (combine off: every row is its own record); the baseline is what the import pipeline does to the same records when they arrive as signed canonical JSON webhook bodies of ${BATCH} records (\`parseBatch\`: JSON.parse and the same zod validation), read line by line from an NDJSON file. Everything after parsing — sealed raw body, import record, queue, facts, aggregates — is the same code for both paths (the file path hands its batches to \`receiveBatches\`), so it is not timed here; an end-to-end file-vs-webhook figure through the store is not measured (the embedded store's ~1,300 upserts/s would dominate both sides of a ${Math.round(files.recordCount / 1000)}k-record run).
- Each measurement runs in a child process of its own; RSS is sampled every 20 ms from after the modules are loaded. The baseline runs before and after each file kind and the ratio uses the mean of the two around it. "Ratio" is records per second of wall time; "CPU ratio" the same per second of the process's CPU time (user + system, all threads, so zlib's inflate on the thread pool counts), steadier than wall time when other work shares the cores.
- The XLSX is written by exceljs's streaming writer with shared strings and dates as date cells (\`dd.mm.yyyy\`), the worksheet stored before the shared strings and the workbook part; the reader reads the zip's directory first (the file, a stream, is written to a temporary file: disk, not memory), then those parts, then streams the worksheet.
- The memory goal (< 200 MB) is ${csv.rssGrowthMb < 200 && xlsx.rssGrowthMb < 200 ? 'met by both' : 'not met'}; the rate goal (≥ 0.7) is ${rate(csv) / baseCsv >= 0.7 ? 'met' : 'not met'} by the CSV in wall time (${cpuRate(csv) / cpuBaseCsv >= 0.7 ? 'met' : 'not met'} in CPU time) and ${rate(xlsx) / baseXlsx >= 0.7 ? 'met' : 'not met'} by the XLSX (${cpuRate(xlsx) / cpuBaseXlsx >= 0.7 ? 'met' : 'not met'} in CPU time).`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
