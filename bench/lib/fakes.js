// The fake vendor servers live in test/fakes (TypeScript, not part of the app's build): a benchmark
// compiles the ones it needs into a cache folder of its own, so dist/ and the main build stay as they are.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Inside the repository, so that the compiled fakes resolve ajv and the rest from node_modules. */
export const FAKES_DIR = resolve('node_modules/.cache/pmi-bench-fakes');

/**
 * Compiles `files` (paths under test/fakes, with what they import) into FAKES_DIR, emit only (the
 * typecheck is `npm run typecheck`'s). The fakes read their vendor fixtures relative to their own
 * folder, so FAKES_DIR/test/fixtures links to the repository's.
 */
export function buildFakes(files) {
  execFileSync(
    process.execPath,
    [
      'node_modules/typescript/bin/tsc',
      ...files,
      ...['--outDir', FAKES_DIR, '--rootDir', '.', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2023', '--types', 'node'],
      ...['--skipLibCheck', '--esModuleInterop', '--noCheck', '--sourceMap', 'false', '--declaration', 'false', '--incremental', 'false'],
    ],
    { stdio: 'inherit' },
  );
  const fixtures = join(FAKES_DIR, 'test/fixtures');
  if (!existsSync(fixtures)) {
    mkdirSync(join(FAKES_DIR, 'test'), { recursive: true });
    symlinkSync(resolve('test/fixtures'), fixtures, 'dir');
  }
  return FAKES_DIR;
}
