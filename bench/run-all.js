// npm run bench: every benchmark script in bench/, one after the other (never in parallel: they share 2 cores).
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

// capacity.js is no benchmark (it writes docs/capacity.md): `npm run capacity` runs it.
const scripts = readdirSync('bench').filter((f) => f.endsWith('.js') && f !== 'run-all.js' && f !== 'capacity.js').sort();
for (const script of scripts) {
  console.log(`\n=== bench/${script}`);
  execFileSync(process.execPath, [`bench/${script}`], { stdio: 'inherit' });
}
