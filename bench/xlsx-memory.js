// XLSX memory benchmark (issue 18: "memory stays bounded (streamed parse)"). Run: npm run build && node bench/xlsx-memory.js
// Workbooks of about 8 MB and 50 MB (BENCH_XLSX_MB="8,50"), written by exceljs's streaming writer (the
// worksheet stored before the shared strings and the workbook part: read in another order than stored,
// by the zip's directory), each read by readXlsxBatches as a stream from disk (a blob drop) and as whole
// bytes (an upload body), in a child process of its own: peak RSS growth over the read, sampled every
// 20 ms from after the modules are loaded and a full collection and, for whole bytes, after the file is in memory (the
// caller's buffer, not the reader's).
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmt, machine, writeSection } from './lib/report.js';

const SIZES_MB = (process.env.BENCH_XLSX_MB ?? '8,50').split(',').map(Number);
/** Bytes of XLSX per row of this layout (exceljs, deflated): measured, used to aim at a size. */
const BYTES_PER_ROW = 36.6;

async function generate(path, megabytes) {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('Revenue');
  sheet.addRow(['Business date', 'Code', 'Description', 'Net', 'VAT']).commit();
  const rows = Math.round((megabytes * 1024 * 1024) / BYTES_PER_ROW);
  const start = Date.UTC(2023, 0, 1);
  for (let i = 0; i < rows; i++) {
    const code = 1000 + (i % 700);
    const net = ((i * 7919) % 1_000_000) / 100;
    const row = sheet.addRow([new Date(start + Math.floor(i / 700) * 86_400_000), String(code), `Revenue ${code}`, net, Math.round(net * 19) / 100]);
    row.getCell(1).numFmt = 'dd.mm.yyyy';
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
  return rows;
}

/** In the child: one read, printed as JSON. */
async function measure(how, path) {
  // BENCH_XLSX_READER: another build of the reader (an earlier commit's, for a before-and-after figure).
  const { readXlsxBatches } = await import(new URL(`../${process.env.BENCH_XLSX_READER ?? 'dist/shared/files/readers/xlsx.js'}`, import.meta.url).href);
  const input = how === 'bytes' ? readFileSync(path) : createReadStream(path);
  global.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = performance.now();
  let rows = 0;
  for await (const batch of readXlsxBatches(input, { kind: 'xlsx', headerRow: 1 }, () => {})) rows += batch.length;
  const ms = performance.now() - started;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.stdout.write(JSON.stringify({ how, rows, ms, rssGrowthMb: (peak - base) / 1024 / 1024 }) + '\n');
}

function child(how, path) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', 'bench/xlsx-memory.js', 'measure', how, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`measure ${how} exited ${code}`))));
  });
}

if (process.argv[2] === 'measure') {
  await measure(process.argv[3], process.argv[4]);
} else {
  const dir = mkdtempSync(join(os.tmpdir(), 'pmi-bench-xlsx-'));
  const loadAtStart = os.loadavg().map((l) => fmt(l)).join(', ');
  console.log(`uptime: load average ${loadAtStart}`);
  const lines = [];
  try {
    for (const megabytes of SIZES_MB) {
      const path = join(dir, `revenue-${megabytes}.xlsx`);
      const rows = await generate(path, megabytes);
      const size = statSync(path).size / 1024 / 1024;
      for (const how of ['stream', 'bytes']) {
        const r = await child(how, path);
        if (r.rows !== rows) throw new Error(`${how}: ${r.rows} rows read, ${rows} written`);
        const input = how === 'stream' ? 'stream from disk (a blob drop)' : 'whole bytes (an upload body)';
        console.log(`${fmt(size, 1)} MB XLSX, ${rows} rows, ${input}: peak RSS growth ${fmt(r.rssGrowthMb, 0)} MB, ${fmt(r.ms / 1000, 1)} s`);
        lines.push(`| ${fmt(size, 1)} MB | ${rows} | ${input} | ${fmt(r.rssGrowthMb, 0)} MB | ${fmt(r.ms / 1000, 1)} s | < 200 MB |`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const loadAtEnd = os.loadavg().map((l) => fmt(l)).join(', ');
  console.log(`uptime at the end: load average ${loadAtEnd}`);
  if (!process.env.BENCH_XLSX_READER) {
    writeSection(
      'Files: XLSX memory',
      `Command: \`npm run build && node bench/xlsx-memory.js\` (${machine()}; ${new Date().toISOString().slice(0, 10)}; \`uptime\` load averages ${loadAtStart} at start and ${loadAtEnd} at the end, on ${os.cpus().length} cores).

| Workbook | Rows | Input | Peak RSS growth | Time | Goal |
|---|---|---|---|---|---|
${lines.join('\n')}

- What is measured: \`readXlsxBatches\` alone (no mapping), each read in a child process of its own, RSS sampled every 20 ms from after a full collection. The workbook is written by exceljs's streaming writer (dates as date cells, shared strings): the worksheet is stored before the shared strings and \`xl/workbook.xml\`, an order in which exceljs's streaming reader (the path before) had to park the worksheet's inflated XML in a temporary file. Every size takes the same path: the zip's central directory first (a stream input written to a temporary file), then the workbook's parts, then the worksheet streamed through the scanner. What stays in memory is the shared strings and styles, never the worksheet or the rows; for whole bytes the caller's buffer is not counted (it is held before the read starts).`,
    );
  }
}
