/**
 * Every Bicep file parses with the tree-sitter-bicep grammar with no ERROR or MISSING node, and the
 * modules fit together the way `az bicep build` would insist on: module paths exist, every required
 * module parameter is passed, no unknown parameter is passed, and every `x.outputs.y` exists.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  NotALiteral,
  literal,
  listBicepFiles,
  loadBicepFiles,
  modules,
  parameter,
  parameterNames,
  parseBicep,
  repoRoot,
  syntaxProblems,
} from './bicep.js';
import type { BicepFile } from './bicep.js';

const files = await loadBicepFiles();
const byPath = new Map(files.map((f) => [f.path, f]));

function outputNames(file: BicepFile): string[] {
  return file.root.namedChildren
    .filter((d) => d?.type === 'output_declaration')
    .map((d) => d?.namedChildren[0]?.text ?? '');
}

describe('Bicep syntax (tree-sitter-bicep)', () => {
  it('finds main.bicep and its modules', () => {
    expect(listBicepFiles().length).toBeGreaterThanOrEqual(8);
    expect(byPath.has('infra/main.bicep')).toBe(true);
  });

  it.each(files.map((f) => [f.path, f] as const))('%s parses with no ERROR or MISSING nodes', (_path, file) => {
    expect(syntaxProblems(file.root)).toEqual([]);
    expect(file.root.hasError).toBe(false);
  });

  it('the checker itself reports a broken file (so the test above can fail)', async () => {
    const broken = await parseBicep('broken.bicep', "resource x 'Microsoft.Foo/bar@2024-01-01' = {\n  name: 'x'\n  properties: {\n    a: \n}\n");
    expect(syntaxProblems(broken.root).length).toBeGreaterThan(0);
  });

  it('literal() refuses expressions instead of guessing', async () => {
    const f = await parseBicep('x.bicep', "var a = '${b}-x'\nvar c = d.e\n");
    const values = f.root.namedChildren.map((d) => d?.namedChildren[1]);
    for (const v of values) expect(() => literal(v!)).toThrow(NotALiteral);
  });

  it('uses no object spread and no .bicepparam files (the grammar does not know them)', () => {
    for (const f of files) expect(f.source).not.toMatch(/\.\.\.[A-Za-z_(]/);
    const all = listBicepFiles();
    expect(all.every((p) => p.endsWith('.bicep'))).toBe(true);
  });
});

describe('modules fit together', () => {
  const wiring = files.flatMap((f) => modules(f).map((m) => ({ file: f, ...m })));

  it('main.bicep composes the modules', () => {
    expect(wiring.filter((m) => m.file.path === 'infra/main.bicep').map((m) => m.path).sort()).toEqual(
      [
        'modules/alerts.bicep',
        'modules/cosmos.bicep',
        'modules/file-events.bicep',
        'modules/functions.bicep',
        'modules/identity.bicep',
        'modules/keyvault.bicep',
        'modules/monitoring.bicep',
        'modules/residency-policy.bicep',
        'modules/servicebus.bicep',
        'modules/storage.bicep',
      ].sort(),
    );
  });

  it.each(wiring.map((m) => [m.symbol, m] as const))('module %s: path exists, parameters match', (_symbol, m) => {
    const target = join(dirname(join(repoRoot, m.file.path)), m.path);
    expect(existsSync(target)).toBe(true);
    const moduleFile = byPath.get(join(dirname(m.file.path), m.path));
    expect(moduleFile).toBeDefined();
    const declared = parameterNames(moduleFile!);
    const paramsNode = m.body.namedChildren
      .filter((p) => p?.type === 'object_property')
      .find((p) => p?.namedChildren[0]?.text === 'params')
      ?.namedChildren[1];
    const passed = (paramsNode?.namedChildren ?? [])
      .filter((p) => p?.type === 'object_property')
      .map((p) => p?.namedChildren[0]?.text ?? '');
    for (const name of passed) expect(declared).toContain(name);
    const required = declared.filter((n) => parameter(moduleFile!, n)?.defaultValue === undefined);
    for (const name of required) expect(passed).toContain(name);
  });

  it('every module output referenced exists', () => {
    const outputsBySymbol = new Map<string, string[]>();
    for (const m of wiring) {
      const moduleFile = byPath.get(join(dirname(m.file.path), m.path));
      outputsBySymbol.set(m.symbol, moduleFile ? outputNames(moduleFile) : []);
    }
    const main = byPath.get('infra/main.bicep')!;
    const refs = [...main.source.matchAll(/\b([A-Za-z_]\w*)\.outputs\.([A-Za-z_]\w*)/g)];
    expect(refs.length).toBeGreaterThan(10);
    for (const [, symbol, output] of refs) {
      expect(outputsBySymbol.has(symbol!)).toBe(true);
      expect(outputsBySymbol.get(symbol!)).toContain(output);
    }
  });
});
