/**
 * azd wiring, the pipelines and the runbook: the parts of issue 9 that are not Bicep resources.
 * Text-level checks (no YAML parser is a dependency), each on one promise.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBicepFiles, parameter, parameterNames, repoRoot } from './bicep.js';

const read = (p: string) => readFileSync(join(repoRoot, p), 'utf8');
const files = await loadBicepFiles();
const main = files.find((f) => f.path === 'infra/main.bicep')!;

describe('azd', () => {
  it('azure.yaml declares the api service as a TypeScript function app with Bicep infra', () => {
    const yaml = read('azure.yaml');
    expect(yaml).toMatch(/^services:\n {2}api:\n(?: {4}.*\n)*? {4}host: function$/m);
    expect(yaml).toMatch(/^ {4}language: ts$/m);
    expect(yaml).toMatch(/^ {2}provider: bicep$/m);
    expect(yaml).toMatch(/^ {2}path: infra$/m);
  });

  it('main.parameters.json passes AZURE_ENV_NAME and AZURE_LOCATION and only parameters main.bicep declares', () => {
    const params = (JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> }).parameters;
    expect(params.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(params.location?.value).toBe('${AZURE_LOCATION}');
    const declared = parameterNames(main);
    for (const name of Object.keys(params)) expect(declared).toContain(name);
    for (const name of declared) {
      if (parameter(main, name)?.defaultValue === undefined) expect(Object.keys(params)).toContain(name);
    }
    expect(JSON.stringify(params)).not.toMatch(/PRINCIPAL/);
  });

  it('dev, test and prod are the only environment types, each with its own sizing', () => {
    const p = parameter(main, 'environmentType');
    expect(p?.decorators.get('allowed')?.[0]?.text.replace(/\s+/g, ' ')).toBe("[ 'dev' 'test' 'prod' ]");
    expect(main.source).toMatch(/var sizing = \{\s*dev: \{[\s\S]*?\n {2}test: \{[\s\S]*?\n {2}prod: \{/);
    expect(main.source).toMatch(/var size = sizing\[environmentType\]/);
  });

  it('each environment gets its own resource group and resource names (shares nothing)', () => {
    expect(main.source).toMatch(/var resourceToken = toLower\(uniqueString\(subscription\(\)\.id, environmentName, location\)\)/);
    for (const m of main.source.matchAll(/\bname: '([^']*)'/g)) {
      const name = m[1]!;
      if (/^(residency-policy|identity|monitoring|cosmos|storage|servicebus|file-events|keyvault|functions|alerts|pmi)$/.test(name)) continue; // deployment names
      expect([name, /\$\{(resourceToken|environmentName)\}/.test(name)]).toEqual([name, true]);
    }
  });
});

describe('pipelines', () => {
  it('ci.yml tests, builds the Bicep and runs PSRule for Azure', () => {
    const ci = read('.github/workflows/ci.yml');
    expect(ci).toMatch(/^ {2}push:/m);
    expect(ci).toMatch(/^ {2}pull_request:/m);
    expect(ci).toMatch(/actions\/setup-node@v4[\s\S]*?node-version: 20/);
    expect(ci).toMatch(/run: npm ci/);
    expect(ci).toMatch(/run: npm test/);
    expect(ci).toMatch(/az bicep build --file infra\/main\.bicep/);
    expect(ci).toMatch(/uses: microsoft\/ps-rule@v2[\s\S]*?modules: PSRule\.Rules\.Azure/);
    expect(existsSync(join(repoRoot, 'ps-rule.yaml'))).toBe(true);
    expect(existsSync(join(repoRoot, 'infra/tests/main.test.bicep'))).toBe(true);
  });

  it('deploy.yml uses OIDC (no secrets) and deploys test before an approved prod', () => {
    const deploy = read('.github/workflows/deploy.yml');
    expect(deploy).toMatch(/tags:\s*\n\s*- 'v\*'/);
    expect(deploy).toMatch(/permissions:\s*\n\s*id-token: write/);
    expect(deploy).not.toMatch(/secrets\./);
    expect(deploy).toMatch(/client-id: \$\{\{ vars\.AZURE_CLIENT_ID \}\}/);
    expect(deploy).toMatch(/tenant-id: \$\{\{ vars\.AZURE_TENANT_ID \}\}/);
    expect(deploy).toMatch(/subscription-id: \$\{\{ vars\.AZURE_SUBSCRIPTION_ID \}\}/);
    const testJob = deploy.indexOf('\n  test:');
    const prodJob = deploy.indexOf('\n  prod:');
    expect(testJob).toBeGreaterThan(0);
    expect(prodJob).toBeGreaterThan(testJob);
    const prod = deploy.slice(prodJob);
    expect(prod).toMatch(/needs: test/);
    expect(prod).toMatch(/environment: prod/);
    for (const job of [deploy.slice(testJob, prodJob), prod]) {
      expect(job).toMatch(/azure\/login@v2/);
      expect(job).toMatch(/azd provision --no-prompt/);
      expect(job).toMatch(/azd deploy --no-prompt/);
    }
  });
});

describe('docs/operations.md', () => {
  const doc = existsSync(join(repoRoot, 'docs/operations.md')) ? read('docs/operations.md') : '';
  it.each([
    ['deploy from zero', /azd env new pmi-dev[\s\S]*azd env set AZURE_LOCATION northeurope[\s\S]*azd up/],
    ['key rotation', /## Rotate keys[\s\S]*re-wrap/i],
    ['point-in-time restore', /## Restore to a point in time[\s\S]*COSMOS_ENDPOINT/],
    ['failover drill', /## Region failover drill[\s\S]*failover-priority-change/],
    ['dead letters', /## Handle dead letters[\s\S]*Service Bus Explorer/],
    ['data residency', /## Data residency[\s\S]*Allowed locations/],
  ])('covers %s', (_topic, pattern) => {
    expect(doc).toMatch(pattern);
  });
});
