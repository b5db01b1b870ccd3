/**
 * Offline verifier of an audit export:
 *
 *   npm run audit:verify -- <export.ndjson> [--keys <jwks.json>]
 *
 * Checks every checkpoint signature against the public keys (a saved copy of
 * /api/v1/.well-known/audit-keys.json; without --keys they are fetched from the URL named in the
 * export) and the whole hash chain. Uses the same verification module as the service. Exit code 0:
 * intact; 1: broken (the first broken seq and the reason are printed); 2: usage or input error.
 */
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { verifyExport, type ExportMeta } from '../shared/audit/verify.js';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run audit:verify -- <export.ndjson> [--keys <jwks.json>]\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  let keysFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--keys') keysFile = argv[++i] ?? usage('--keys needs a file');
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (file) usage('only one export file');
    else file = a;
  }
  if (!file) usage('no export file given');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return usage(`cannot read ${file}: ${(err as Error).message}`);
  }
  let jwks: JSONWebKeySet;
  if (keysFile) {
    try {
      jwks = JSON.parse(readFileSync(keysFile, 'utf8')) as JSONWebKeySet;
    } catch (err) {
      return usage(`cannot read keys ${keysFile}: ${(err as Error).message}`);
    }
  } else {
    let url: string | undefined;
    try {
      url = (JSON.parse(text.slice(0, text.indexOf('\n'))) as ExportMeta).keysUrl;
    } catch {
      url = undefined;
    }
    if (!url) return usage('the export names no key URL; pass --keys');
    process.stderr.write(`fetching public keys from ${url}\n`);
    jwks = (await (await fetch(url)).json()) as JSONWebKeySet;
  }
  const started = process.hrtime.bigint();
  const result = await verifyExport(text, jwks);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ ...result, seconds: Number(seconds.toFixed(3)) }) + '\n');
  if (result.ok) process.stderr.write(`OK: tenant ${result.tenantId}, seq ${result.checkedFrom}..${result.checkedTo}, ${result.checkpoints} signed checkpoint(s)\n`);
  else process.stderr.write(`BROKEN at seq ${result.firstBrokenSeq}: ${result.reason}\n`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`audit:verify failed: ${(err as Error).message}\n`);
    process.exit(2);
  },
);
