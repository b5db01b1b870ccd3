import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

// `npm run lint` enforces the dependency rule (eslint-plugin-boundaries, eslint.config.js) and the
// absence of cycles (dpdm). These cases prove both checks catch what they are there to catch.

const eslint = new ESLint({ cwd: process.cwd() });

/** The layer violations ESLint reports for `code` placed at `filePath` (which need not exist). */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('boundaries/')).map((m) => m.message);
}

describe('the dependency rule', () => {
  it.each([
    ['a platform module that imports the composition root, even for a type', 'shared/platform/violation.ts', "import type { App } from '../app.js';\nexport type Wide = App;\n", 'app', 'platform'],
    ['a kernel that imports a feature', 'shared/access/violation.ts', "import type { Identity } from '../identity/index.js';\nexport type Who = Identity;\n", 'feature', 'access'],
    ['access importing the http pipeline, which sits above it', 'shared/access/violation.ts', "import { routeOn } from '../http/route.js';\nexport const r = routeOn;\n", 'http', 'access'],
    ['an upward dynamic import', 'shared/platform/violation.ts', "export const load = () => import('../../functions/catalog.js');\n", 'functions', 'platform'],
    ['a new module (no line in eslint.config.js) that imports the composition root', 'shared/planning/violation.ts', "import type { App } from '../app.js';\nexport type Wide = App;\n", 'app', 'feature'],
  ])('refuses %s', async (_case, filePath, code, to, from) => {
    const errors = await layerErrors(filePath, code);
    expect(errors).toEqual([expect.stringContaining(`type "${to}" are not allowed in elements of type "${from}"`)]);
  });

  it('refuses production code outside every layer, and imports of test code', async () => {
    expect(await layerErrors('shared/stray.ts', 'export const x = 1;\n')).toEqual([expect.stringMatching(/does not belong to any known element/)]);
    const fromTests = await layerErrors('shared/platform/violation.ts', "import { startTestHost } from '../../test/support/host.js';\nexport const s = startTestHost;\n");
    expect(fromTests).toEqual([expect.stringMatching(/unknown/i)]);
  });

  it('lets a feature import a kernel, the problem type and the platform', async () => {
    const code = [
      "import type { Principal } from '../access/principal.js';",
      "import { notFound } from '../http/problem.js';",
      "import type { Platform } from '../platform/platform.js';",
      'export type Parts = [Principal, Platform, typeof notFound];',
      '',
    ].join('\n');
    expect(await layerErrors('shared/privacy/allowed.ts', code)).toEqual([]);
  });
});

describe('import cycles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pmi-cycles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const dpdm = resolve('node_modules/dpdm/lib/bin/dpdm.js');
  // As in the project, `./b.js` names b.ts only under NodeNext resolution.
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));

  /** dpdm's exit status from `entry`, with the flags of `npm run lint` (type imports count). */
  function dpdmStatus(entry: string): number | null {
    const run = spawnSync(process.execPath, [dpdm, '--no-warning', '--no-tree', '-T', 'false', '--exit-code', 'circular:1', entry], { cwd: dir, encoding: 'utf8' });
    return run.status;
  }

  it('fails on a cycle made only of type imports', () => {
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport interface A { b: B }\n");
    writeFileSync(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport interface B { a?: A }\n");
    expect(dpdmStatus('a.ts')).toBe(1);
  });

  it('passes once the shared type moves down', () => {
    writeFileSync(join(dir, 'c.ts'), "import type { D } from './d.js';\nexport interface C { d: D }\n");
    writeFileSync(join(dir, 'd.ts'), 'export interface D { n: number }\n');
    expect(dpdmStatus('c.ts')).toBe(0);
  });
});
