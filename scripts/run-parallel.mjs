// `npm test`'s checks (typecheck, lint, build) side by side: each is one mostly single-threaded
// process, so on CI's 2 cores running them together saves about half a minute before jest starts.
// Output is printed per script when it ends, so the log reads as if they had run one by one.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const results = await Promise.all(
  names.map(
    (name) =>
      new Promise((resolve) => {
        const child = spawn(npm, ['run', '-s', name], { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
        const out = [];
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => out.push(d));
        child.on('close', (code) => resolve({ name, code: code ?? 1, out: Buffer.concat(out).toString() }));
      }),
  ),
);
for (const r of results) {
  console.log(`> npm run ${r.name}: ${r.code === 0 ? 'ok' : `failed (${r.code})`}`);
  if (r.out.trim()) console.log(r.out.trimEnd());
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
