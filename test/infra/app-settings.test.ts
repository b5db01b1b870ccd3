/**
 * The Functions app settings against the code that reads them: every key loadConfig requires in Azure
 * is set, every setting the app reads is a key of the config schema, the password pepper arrives as a
 * Key Vault reference resolved by the app identity (which may read that one secret only), and no
 * setting carries a secret literal.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, loadConfig } from '../../shared/platform/config.js';
import { findResources, literal, literalAt, loadBicepFiles, parameter, property, repoRoot, variable } from './bicep.js';
import type { BicepFile, ResourceDeclaration } from './bicep.js';

const files = await loadBicepFiles();
const file = (path: string): BicepFile => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} not found`);
  return f;
};
const main = file('infra/main.bicep');
const functions = file('infra/modules/functions.bicep');
const keyVault = file('infra/modules/keyvault.bicep');

const [site] = findResources(files, 'Microsoft.Web/sites');
const settings = new Map<string, string>();
for (const entry of property(site!.body, 'properties.siteConfig.appSettings')?.namedChildren ?? []) {
  if (!entry || entry.type !== 'object') continue;
  settings.set(String(literalAt(entry, 'name')), property(entry, 'value')!.text);
}

/** Settings read by the Functions host or the Azure SDKs, not by shared/platform/config.ts. */
const HOST_SETTINGS = /^(AzureWebJobsStorage__|ServiceBusConnection__|APPLICATIONINSIGHTS_|AZURE_CLIENT_ID$)/;

/** The keys loadConfig insists on when WEBSITE_SITE_NAME says it runs in Azure, read from its own error. */
function requiredInAzure(): string[] {
  try {
    loadConfig({ WEBSITE_SITE_NAME: 'func-infra-test' });
  } catch (e) {
    return [...String((e as Error).message).matchAll(/^ {2}(\w+): required in Azure$/gm)].map((m) => m[1]!);
  }
  throw new Error('loadConfig accepted an Azure environment with nothing set');
}

describe('app settings cover the configuration the code requires', () => {
  it('sets every key loadConfig requires in Azure', () => {
    const required = requiredInAzure();
    expect(required).toEqual(expect.arrayContaining(['COSMOS_ENDPOINT', 'SERVICEBUS_NAMESPACE', 'KEYVAULT_KEY_ID', 'PASSWORD_PEPPER', 'TOKEN_SIGNING_KEY_ID']));
    for (const key of required) expect([key, settings.has(key)]).toEqual([key, true]);
  });

  it('every app-level setting is a key of the config schema (no typo goes unnoticed)', () => {
    const schemaKeys = Object.keys(configSchema.shape);
    for (const name of settings.keys()) {
      if (HOST_SETTINGS.test(name)) continue;
      expect([name, schemaKeys.includes(name)]).toEqual([name, true]);
    }
  });

  it('sets the Azure values whose local defaults would be wrong there', () => {
    const expected: Record<string, string> = {
      AUDIT_SIGNING_KEY_ID: 'auditSigningKeyId',
      PUBLIC_BASE_URL: 'publicBaseUrl',
      WEB_CLIENT_ORIGINS: "join(webClientOrigins, ',')",
      CORS_ORIGINS: "join(webClientOrigins, ',')",
      SSO_ERROR_URL: 'ssoErrorUrl',
      WEB_APP_URL: 'webAppUrl',
      APP_VERSION: 'appVersion',
      ACS_EMAIL_ENDPOINT: 'acsEmailEndpoint',
      ACS_EMAIL_SENDER: 'acsEmailSender',
      ACS_SMS_ENDPOINT: 'acsSmsEndpoint',
      ACS_SMS_FROM: 'acsSmsFrom',
    };
    for (const [name, value] of Object.entries(expected)) expect([name, settings.get(name)]).toEqual([name, value]);
  });

  it('PUBLIC_BASE_URL is the https URL built from the site name (no reference to the site itself)', () => {
    expect(variable(functions, 'publicBaseUrl')?.text).toBe("'https://${appName}.azurewebsites.net'");
    expect(property(site!.body, 'name')?.text).toBe('appName');
    for (const value of settings.values()) expect(value).not.toMatch(/\bsite\./);
  });

  it('optional settings default to empty, which loadConfig treats as unset', () => {
    for (const name of ['ssoErrorUrl', 'webAppUrl', 'appVersion', 'acsEmailEndpoint', 'acsEmailSender', 'acsSmsEndpoint', 'acsSmsFrom']) {
      expect([name, parameter(functions, name)?.defaultValue?.text]).toEqual([name, "''"]);
      expect([name, parameter(main, name)?.defaultValue?.text]).toEqual([name, "''"]);
    }
    const config = loadConfig({ SSO_ERROR_URL: '', APP_VERSION: '', ACS_EMAIL_ENDPOINT: '', ACS_SMS_FROM: '' });
    expect(config.SSO_ERROR_URL).toBeUndefined();
    expect(config.ACS_EMAIL_ENDPOINT).toBeUndefined();
    expect(config.ACS_SMS_FROM).toBeUndefined();
    expect(config.APP_VERSION).toBe(configSchema.shape.APP_VERSION.parse(undefined));
  });

  it('the signing key settings are versionless Key Vault key URIs, so the latest version signs after a rotation', () => {
    expect(settings.get('TOKEN_SIGNING_KEY_ID')).toBe('tokenSigningKeyId');
    expect(main.source).toMatch(/tokenSigningKeyId: keyVault\.outputs\.tokenSigningKeyId/);
    expect(keyVault.source).toMatch(/output tokenSigningKeyId string = tokenSigningKey\.properties\.keyUri$/m);
    expect(main.source).toMatch(/auditSigningKeyId: keyVault\.outputs\.auditSigningKeyId/);
    expect(keyVault.source).toMatch(/output auditSigningKeyId string = auditSigningKey\.properties\.keyUri$/m);
    expect(keyVault.source).not.toMatch(/keyUriWithVersion/);
  });
});

describe('password pepper', () => {
  const secrets = findResources(files, 'Microsoft.KeyVault/vaults/secrets');
  const assignments = findResources(files, 'Microsoft.Authorization/roleAssignments');
  const roleId = (a: ResourceDeclaration) => property(a.body, 'properties.roleDefinitionId')?.text.match(/'([0-9a-f-]{36})'/)?.[1];

  it('is a Key Vault reference to the password-pepper secret, resolved as the user-assigned identity', () => {
    expect(settings.get('PASSWORD_PEPPER')).toBe("'@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${passwordPepperSecretName})'");
    expect(property(site!.body, 'properties.keyVaultReferenceIdentity')?.text).toBe('identityId');
    expect(main.source).toMatch(/keyVaultName: keyVault\.outputs\.vaultName/);
    expect(main.source).toMatch(/passwordPepperSecretName: keyVault\.outputs\.passwordPepperSecretName/);
    expect(literal(variable(keyVault, 'passwordPepperSecretName')!)).toBe('password-pepper');
    expect(keyVault.source).toMatch(/^output passwordPepperSecretName string = passwordPepperSecretName$/m);
  });

  it('the secret is written only when a secure pepper parameter is supplied', () => {
    expect(secrets).toHaveLength(1);
    const [secret] = secrets;
    expect(secret!.file.path).toBe('infra/modules/keyvault.bicep');
    expect(property(secret!.body, 'name')?.text).toBe('passwordPepperSecretName');
    expect(property(secret!.body, 'properties.value')?.text).toBe('passwordPepper');
    expect(secret!.node.text).toMatch(/= if \(!empty\(passwordPepper\)\) \{/);
    for (const f of [main, keyVault]) {
      const p = parameter(f, 'passwordPepper');
      expect(p?.decorators.has('secure')).toBe(true);
      expect(p?.defaultValue?.text).toBe("''");
      expect(f.source).not.toMatch(/^output .*passwordPepper\b(?!SecretName)/m);
    }
    expect(main.source).toMatch(/passwordPepper: passwordPepper/);
    const params = (JSON.parse(readFileSync(join(repoRoot, 'infra/main.parameters.json'), 'utf8')) as { parameters: Record<string, { value: unknown }> }).parameters;
    expect(params.passwordPepper?.value).toBe('${PASSWORD_PEPPER=}');
  });

  it('Key Vault Secrets User is granted to the app identity on the pepper secret only', () => {
    const secretsUser = assignments.filter((a) => roleId(a) === '4633458b-17de-408a-b874-0445c86b69e6');
    expect(secretsUser).toHaveLength(1);
    const [grant] = secretsUser;
    expect(property(grant!.body, 'scope')?.text).toBe(secrets[0]!.symbol);
    expect(grant!.file.path).toBe(secrets[0]!.file.path);
    expect(property(grant!.body, 'properties.principalId')?.text).toBe('appPrincipalId');
    expect(grant!.node.text).not.toMatch(/= if \(/);
  });
});

describe('no app setting holds a secret literal', () => {
  // Shapes of secret values: long base64 or hex runs, connection-string keys, bearer material.
  const secretShapes = [/[A-Za-z0-9+/]{32,}={0,2}/, /\b[0-9a-f]{32,}\b/i, /(AccountKey|SharedAccessKey|Password|Pwd|ClientSecret)\s*=/i, /\beyJ[A-Za-z0-9_-]{10,}/];
  const literalParts = (value: string) => (value.startsWith("'") ? value.replace(/\$\{[^}]*\}/g, '') : '');

  it.each([...settings.entries()])('%s', (_name, value) => {
    for (const shape of secretShapes) expect(literalParts(value)).not.toMatch(shape);
  });

  it('the check recognises a secret literal (so it can fail)', () => {
    expect(literalParts("'c2VjcmV0LXBlcHBlci12YWx1ZS0xMjM0NTY3ODkwYWI='")).toMatch(secretShapes[0]!);
    expect(literalParts("'Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b'")).toMatch(secretShapes[2]!);
  });
});

describe('docs/operations.md lists what Bicep sets', () => {
  const doc = readFileSync(join(repoRoot, 'docs/operations.md'), 'utf8');
  const table = doc.match(/## Settings\n[\s\S]*?(?=\n## )/)?.[0] ?? '';

  it('has a Settings section with every app setting in its table', () => {
    expect(table).not.toBe('');
    for (const name of settings.keys()) expect([name, table.includes(`| \`${name}\``)]).toEqual([name, true]);
  });

  it('documents the one-time pepper step and why it never changes', () => {
    expect(doc).toMatch(/az keyvault secret set --vault-name <kv> --name password-pepper --value "\$\(openssl rand -base64 32\)"/);
    expect(doc).toMatch(/azd env set PASSWORD_PEPPER/);
    expect(doc).toMatch(/[Nn]ever change the pepper/);
  });

  it('the restore runbook re-applies redactions', () => {
    expect(doc).toMatch(/## Restore to a point in time[\s\S]*POST \/api\/v1\/platform\/privacy\/reapply-redactions[\s\S]*privacy\.md/);
  });
});
