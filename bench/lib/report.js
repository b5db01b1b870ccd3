// Shared helpers for benchmark scripts: percentiles, ratios, and updating one section of docs/benchmarks.md.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `fn` and resolves its result with the milliseconds it took. */
export async function time(fn) {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out };
}

export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function machine() {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
}

/** Replaces (or appends) the `## <title>` section of docs/benchmarks.md (or of another generated document). */
export function writeSection(title, body, file = 'docs/benchmarks.md') {
  const header = '# Benchmarks\n\nEvery figure is a ratio against a baseline measured in the same run, on the same machine (these machines are noisy). Reproduce with `npm run bench` (all) or the command named in each section.\n';
  let text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) text = text.trimEnd() + '\n\n' + section;
  else {
    const next = text.indexOf('\n## ', start + heading.length);
    text = text.slice(0, start) + section + (next < 0 ? '' : text.slice(next + 1));
  }
  writeFileSync(file, text.trimEnd() + '\n');
}

/** Starts a Node script as a child process and resolves its base URL from the line it prints. */
export function startProcess(args, env, pattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`process exited (${code}) before it was ready:\n${out}`)));
  });
}

export async function stopProcess(child) {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await done;
}

/**
 * The CPU time a child started by startProcess has used so far (user + system, all its threads, in
 * µs): it answers SIGUSR2 with a `cpu <µs>` line (see reportCpuOnSignal). CPU per request is the
 * figure a shared machine disturbs least: throughput moves with the neighbours' load, this much less.
 */
export function cpuOf(child) {
  return new Promise((resolve) => {
    let out = '';
    const onData = (d) => {
      out += d.toString();
      const m = /cpu (\d+)\n/.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.kill('SIGUSR2');
  });
}

/** In a child: answer SIGUSR2 with this process's CPU time so far (for cpuOf). */
export function reportCpuOnSignal() {
  process.on('SIGUSR2', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`cpu ${user + system}\n`);
  });
}

