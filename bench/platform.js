// Platform benchmarks (issue 2): health throughput and p99 vs a bare node:http server; cold start.
// Run: npm run build && node bench/platform.js
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, machine, startProcess, stopProcess, writeSection, percentile } from './lib/report.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const READY = /listening on (http:\/\/\S+)\/api\/v1/;
const hostEnv = () => ({ PORT: '0', LOG_LEVEL: 'error', LOCAL_TIMERS: 'false', LOCAL_PERSIST: 'false', SEED_DEMO: 'false', LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'pmi-bench-')) });

async function load(url) {
  // Warm-up, then the measured run.
  await autocannon({ url, connections: 10, duration: 2 });
  const r = await autocannon({ url, connections: 10, duration: DURATION });
  return { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, errors: r.errors + r.non2xx };
}

async function throughput() {
  const bare = await startProcess(['bench/lib/bare-server.js'], { PORT: '0' }, READY);
  const baseline = await load(`${bare.url}/api/v1/health`);
  await stopProcess(bare.child);
  const host = await startProcess(['dist/host/main.js'], hostEnv(), READY);
  const ours = await load(`${host.url}/api/v1/health`);
  await stopProcess(host.child);
  return { baseline, ours };
}

async function timeToFirst200(args, env) {
  const started = process.hrtime.bigint();
  const p = await startProcess(args, env, READY);
  for (;;) {
    try {
      const res = await fetch(`${p.url}/api/v1/health`);
      if (res.status === 200) break;
    } catch {
      // not accepting yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await stopProcess(p.child);
  return ms;
}

function importMs(entry) {
  const script = `const t=process.hrtime.bigint();import(${JSON.stringify(entry)}).then(()=>{console.log('@@'+(Number(process.hrtime.bigint()-t)/1e6))})`;
  const out = execFileSync(process.execPath, ['--require', './test/support/functions-core-stub.cjs', '-e', script], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'error' } });
  return Number(/@@([\d.]+)/.exec(out)?.[1]);
}

const { baseline, ours } = await throughput();
const cold = [];
const coldBare = [];
for (let i = 0; i < 5; i++) {
  coldBare.push(await timeToFirst200(['bench/lib/bare-server.js'], { PORT: '0' }));
  cold.push(await timeToFirst200(['dist/host/main.js'], hostEnv()));
}
const imports = Array.from({ length: 5 }, () => importMs('./dist/functions/index.js'));
const importsBaseline = Array.from({ length: 5 }, () => importMs('node:http'));

const rows = [
  ['Health throughput (req/s)', fmt(ours.rps, 0), fmt(baseline.rps, 0), fmt(ours.rps / baseline.rps)],
  ['Health p99 latency (ms)', fmt(ours.p99, 1), fmt(baseline.p99, 1), fmt(ours.p99 / Math.max(baseline.p99, 1))],
  ['Cold start: spawn → first 200, median (ms)', fmt(percentile(cold, 50), 0), fmt(percentile(coldBare, 50), 0), fmt(percentile(cold, 50) / percentile(coldBare, 50))],
  ['Import of the compiled entry, median (ms)', fmt(percentile(imports, 50), 0), fmt(percentile(importsBaseline, 50), 0), fmt(percentile(imports, 50) / Math.max(percentile(importsBaseline, 50), 0.1), 1)],
];
const table = ['| Figure | PMI local host | Baseline (bare node:http) | Ratio |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const body = `Command: \`npm run build && node bench/platform.js\` (${DURATION} s per load run, 10 connections, autocannon; ${machine()}; ${new Date().toISOString().slice(0, 10)}).

${table}

- Errors or non-2xx during load: ours ${ours.errors}, baseline ${baseline.errors}.
- Cold start includes starting the embedded Cosmos DB server and creating the database and containers; in Azure the host starts the worker and the first request builds the app lazily.
- The import figure is the Azure cold-start proxy: the Cosmos, Service Bus, Key Vault and identity SDKs load on first use, not at import.`;
console.log(body);
writeSection('Platform', body);
