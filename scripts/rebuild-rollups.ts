// `node dist/scripts/rebuild-rollups.js [--from YYYY-MM] [--to YYYY-MM]`: builds the monthly rollups of
// every property's daily aggregates in the months given (default: three years back to two years
// ahead), for aggregates written before rollups existed. Imports keep rollups up to date themselves;
// this is the one-off migration of older data (docs/data-model.md §Monthly rollups). Safe to run
// beside running imports (it refreshes through the same ETag discipline) and to run again.
// Locally, stop `npm start` first: one process at a time may use a state folder.
import { loadConfig, ConfigError } from '../shared/platform/config.js';
import { buildApp } from '../shared/app.js';
import { rebuildRollups } from '../shared/integrations/rollup.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (let month = from; month <= to; month = `${y}-${String(m).padStart(2, '0')}`) {
    out.push(month);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

function parseArgs(argv: string[]): { from: string; to: string } {
  const now = new Date();
  const month = (offsetYears: number) => `${now.getUTCFullYear() + offsetYears}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const out = { from: month(-3), to: month(2) };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(from|to)(?:=(.*))?$/.exec(argv[i] ?? '');
    const value = m?.[2] ?? argv[++i];
    if (!m?.[1] || !value || !MONTH.test(value)) throw new Error('usage: node dist/scripts/rebuild-rollups.js [--from YYYY-MM] [--to YYYY-MM]');
    out[m[1] as 'from' | 'to'] = value;
  }
  if (out.from > out.to) throw new Error('--from must not be after --to');
  return out;
}

async function main(): Promise<void> {
  const { from, to } = parseArgs(process.argv.slice(2));
  const months = monthsBetween(from, to);
  const app = await buildApp(loadConfig());
  try {
    for (const property of await app.identity.tenants.directory.everyProperty()) {
      const counts = await rebuildRollups(app.store, property.tenantId, property.id, months, { parallelRequests: 4 });
      console.log(`${property.tenantId}/${property.id}: ${counts.writes} rollups written (${from} … ${to})`);
    }
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `rebuild-rollups failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
