import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { configSchema } from '../../../shared/platform/config.js';

/** The configuration table and the sample settings must list every key the schema reads. */
describe('configuration documentation', () => {
  const keys = Object.keys(configSchema.shape);

  it('README documents every setting', () => {
    const readme = readFileSync('README.md', 'utf8');
    const documented = [...readme.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...keys].sort());
  });

  it('local.settings.sample.json lists every setting', () => {
    const sample = JSON.parse(readFileSync('local.settings.sample.json', 'utf8')) as { Values: Record<string, string> };
    for (const key of keys) expect(Object.keys(sample.Values)).toContain(key);
    expect(sample.Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
  });
});
