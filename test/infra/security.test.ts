/**
 * The security and resilience promises, read from the Bicep syntax tree. Each row of the table names
 * the PSRule for Azure rule it mirrors (CI also runs PSRule itself on a real runner); rows marked
 * "PMI." are our own promises with no PSRule equivalent. A row finds every resource declaration of
 * its type and requires the property to be the literal value, so a missing resource, a missing
 * property, a wrong value or an expression in its place all fail.
 */
import { describe, expect, it } from '@jest/globals';
import {
  allResources,
  findResources,
  literal,
  literalAt,
  loadBicepFiles,
  loopSource,
  property,
  repoRoot,
  variable,
} from './bicep.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceDeclaration } from './bicep.js';

const files = await loadBicepFiles();
const file = (path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} not found`);
  return f;
};
const one = (type: string): ResourceDeclaration => {
  const found = findResources(files, type);
  expect(found).toHaveLength(1);
  return found[0]!;
};

interface Check {
  readonly rule: string;
  readonly type: string;
  readonly path: string;
  readonly expected: unknown;
}

const checks: readonly Check[] = [
  { rule: 'Azure.Cosmos.DisableLocalAuth', type: 'Microsoft.DocumentDB/databaseAccounts', path: 'properties.disableLocalAuth', expected: true },
  { rule: 'Azure.Cosmos.DisableMetadataWrite', type: 'Microsoft.DocumentDB/databaseAccounts', path: 'properties.disableKeyBasedMetadataWriteAccess', expected: true },
  {
    rule: 'Azure.Cosmos.ContinuousBackup',
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.backupPolicy',
    expected: { type: 'Continuous', continuousModeProperties: { tier: 'Continuous7Days' } },
  },
  { rule: 'Azure.Cosmos.MinTLS', type: 'Microsoft.DocumentDB/databaseAccounts', path: 'properties.minimalTlsVersion', expected: 'Tls12' },
  { rule: 'PMI.Cosmos.AutomaticFailover', type: 'Microsoft.DocumentDB/databaseAccounts', path: 'properties.enableAutomaticFailover', expected: true },
  { rule: 'PMI.Cosmos.SessionConsistency', type: 'Microsoft.DocumentDB/databaseAccounts', path: 'properties.consistencyPolicy.defaultConsistencyLevel', expected: 'Session' },
  { rule: 'Azure.KeyVault.PurgeProtect', type: 'Microsoft.KeyVault/vaults', path: 'properties.enablePurgeProtection', expected: true },
  { rule: 'Azure.KeyVault.RBAC', type: 'Microsoft.KeyVault/vaults', path: 'properties.enableRbacAuthorization', expected: true },
  { rule: 'Azure.KeyVault.SoftDelete', type: 'Microsoft.KeyVault/vaults', path: 'properties.enableSoftDelete', expected: true },
  { rule: 'Azure.KeyVault.SoftDelete', type: 'Microsoft.KeyVault/vaults', path: 'properties.softDeleteRetentionInDays', expected: 90 },
  { rule: 'Azure.ServiceBus.DisableLocalAuth', type: 'Microsoft.ServiceBus/namespaces', path: 'properties.disableLocalAuth', expected: true },
  { rule: 'Azure.ServiceBus.MinTLS', type: 'Microsoft.ServiceBus/namespaces', path: 'properties.minimumTlsVersion', expected: '1.2' },
  { rule: 'Azure.ServiceBus.AvailabilityZone', type: 'Microsoft.ServiceBus/namespaces', path: 'properties.zoneRedundant', expected: true },
  { rule: 'PMI.ServiceBus.Premium', type: 'Microsoft.ServiceBus/namespaces', path: 'sku.name', expected: 'Premium' },
  { rule: 'Azure.AppService.UseHTTPS', type: 'Microsoft.Web/sites', path: 'properties.httpsOnly', expected: true },
  { rule: 'Azure.AppService.MinTLS', type: 'Microsoft.Web/sites', path: 'properties.siteConfig.minTlsVersion', expected: '1.2' },
  { rule: 'Azure.AppService.MinTLS', type: 'Microsoft.Web/sites', path: 'properties.siteConfig.scmMinTlsVersion', expected: '1.2' },
  { rule: 'PMI.AppService.NoFTP', type: 'Microsoft.Web/sites', path: 'properties.siteConfig.ftpsState', expected: 'Disabled' },
  { rule: 'PMI.AppService.NoBasicAuth', type: 'Microsoft.Web/sites/basicPublishingCredentialsPolicies', path: 'properties.allow', expected: false },
  { rule: 'PMI.Functions.FlexConsumption', type: 'Microsoft.Web/serverfarms', path: 'sku', expected: { name: 'FC1', tier: 'FlexConsumption' } },
  { rule: 'PMI.Functions.Linux', type: 'Microsoft.Web/sites', path: 'kind', expected: 'functionapp,linux' },
  { rule: 'Azure.AppService.ManagedIdentity', type: 'Microsoft.Web/sites', path: 'identity.type', expected: 'UserAssigned' },
  { rule: 'Azure.Storage.BlockAccessKeyAccess', type: 'Microsoft.Storage/storageAccounts', path: 'properties.allowSharedKeyAccess', expected: false },
  { rule: 'Azure.Storage.MinTLS', type: 'Microsoft.Storage/storageAccounts', path: 'properties.minimumTlsVersion', expected: 'TLS1_2' },
  { rule: 'Azure.Storage.BlobPublicAccess', type: 'Microsoft.Storage/storageAccounts', path: 'properties.allowBlobPublicAccess', expected: false },
  { rule: 'Azure.Storage.SecureTransfer', type: 'Microsoft.Storage/storageAccounts', path: 'properties.supportsHttpsTrafficOnly', expected: true },
  { rule: 'Azure.Storage.UseReplication', type: 'Microsoft.Storage/storageAccounts', path: 'sku.name', expected: 'Standard_ZRS' },
  { rule: 'Azure.AppInsights.LocalAuth', type: 'Microsoft.Insights/components', path: 'properties.DisableLocalAuth', expected: true },
  { rule: 'Azure.AppInsights.Workspace', type: 'Microsoft.Insights/components', path: 'properties.IngestionMode', expected: 'LogAnalytics' },
  { rule: 'Azure.Log.LocalAuth', type: 'Microsoft.OperationalInsights/workspaces', path: 'properties.features.disableLocalAuth', expected: true },
  {
    rule: 'Azure.Resource.AllowedRegions',
    type: 'Microsoft.Authorization/policyAssignments',
    path: 'properties.policyDefinitionId',
    expected: '/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c',
  },
  { rule: 'Azure.Resource.AllowedRegions', type: 'Microsoft.Authorization/policyAssignments', path: 'properties.enforcementMode', expected: 'Default' },
];

describe('security properties (PSRule for Azure equivalents)', () => {
  it.each(checks.map((c) => [c.rule, c.path, c] as const))('%s: %s', (_rule, _path, check) => {
    const declarations = findResources(files, check.type);
    expect(declarations.length).toBeGreaterThan(0);
    for (const r of declarations) {
      const node = property(r.body, check.path);
      expect({ resource: `${r.file.path}:${r.symbol}`, defined: node !== undefined }).toEqual({ resource: `${r.file.path}:${r.symbol}`, defined: true });
      expect(literal(node!)).toEqual(check.expected);
    }
  });
});

const EU_REGIONS = ['northeurope', 'westeurope', 'swedencentral', 'germanywestcentral', 'francecentral'];

describe('data residency (Azure.Resource.AllowedRegions)', () => {
  const main = file('infra/main.bicep');

  it('main.bicep allows EU primary regions only (North Europe, West Europe)', () => {
    const allowedArg = main.source.match(/@allowed\(\[\s*'northeurope'\s*'westeurope'\s*\]\)\s*param location string/);
    expect(allowedArg).not.toBeNull();
  });

  it('the policy allows EU regions only and gets its list from main.bicep', () => {
    const allowed = literal(variable(main, 'allowedLocations')!) as string[];
    expect(allowed).toEqual(expect.arrayContaining(['northeurope', 'westeurope']));
    for (const region of allowed) expect(EU_REGIONS).toContain(region);
    const assignment = one('Microsoft.Authorization/policyAssignments');
    expect(property(assignment.body, 'properties.parameters.listOfAllowedLocations.value')?.text).toBe('allowedLocations');
    expect(main.source).toMatch(/module residency 'modules\/residency-policy\.bicep'[\s\S]*?allowedLocations: allowedLocations/);
  });

  it('Cosmos secondary is the other region of the EU pair', () => {
    const secondary = variable(main, 'secondaryLocation');
    expect(secondary?.text).toBe("location == 'northeurope' ? 'westeurope' : 'northeurope'");
  });

  it('no resource names a literal location outside the EU (global is for alert metadata only)', () => {
    for (const r of allResources(files)) {
      const loc = property(r.body, 'location');
      if (!loc || loc.type !== 'string') continue;
      const value = literal(loc) as string;
      if (value === 'global') {
        expect(['Microsoft.Insights/metricAlerts', 'Microsoft.Insights/actionGroups']).toContain(r.type);
      } else {
        expect(EU_REGIONS).toContain(value);
      }
    }
  });

  it('every resource in a module is created in the resource group, never reaching outside it', () => {
    for (const f of files) expect(f.source).not.toMatch(/\bexisting\s*=/);
    for (const f of files.filter((x) => x.path.startsWith('infra/modules/'))) expect(f.source).not.toMatch(/^targetScope/m);
    expect(main.source).toMatch(/^targetScope = 'subscription'/m);
    const rg = one('Microsoft.Resources/resourceGroups');
    expect(property(rg.body, 'name')?.text).toBe("'rg-${environmentName}'");
  });
});

describe('Cosmos DB', () => {
  const account = one('Microsoft.DocumentDB/databaseAccounts');

  it('has exactly two regions, both zone redundant, primary first', () => {
    const locations = property(account.body, 'properties.locations')!;
    const entries = locations.namedChildren.filter((n) => n?.type === 'object');
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => literalAt(e!, 'failoverPriority'))).toEqual([0, 1]);
    expect(entries.map((e) => literalAt(e!, 'isZoneRedundant'))).toEqual([true, true]);
    expect(entries.map((e) => property(e!, 'locationName')?.text)).toEqual(['primaryLocation', 'secondaryLocation']);
    expect(literalAt(account.body, 'properties.enableMultipleWriteLocations')).toBe(false);
  });

  const roles = findResources(files, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions');
  const assignments = findResources(files, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
  const roleOf = (a: ResourceDeclaration) => {
    const ref = property(a.body, 'properties.roleDefinitionId')!.text.replace(/\.id$/, '');
    const role = roles.find((r) => r.symbol === ref);
    expect(role).toBeDefined();
    return role!;
  };
  const actionsOf = (role: ResourceDeclaration) => {
    const perms = literalAt(role.body, 'properties.permissions') as { dataActions: string[]; notDataActions?: string[] }[];
    return perms.flatMap((p) => p.dataActions).map((a) => a.replace('Microsoft.DocumentDB/databaseAccounts/', ''));
  };

  it('data-plane roles are custom roles with no wildcard actions', () => {
    expect(roles.length).toBeGreaterThanOrEqual(2);
    for (const r of roles) {
      expect(literalAt(r.body, 'properties.type')).toBe('CustomRole');
      for (const a of actionsOf(r)) expect(a).not.toContain('*');
    }
  });

  it('the audit container is append-only: its role allows create and read/query, scoped to /dbs/<db>/colls/audit2', () => {
    const audit = assignments.filter((a) => /\/colls\/audit2'$/.test(property(a.body, 'properties.scope')?.text ?? ''));
    expect(audit).toHaveLength(1);
    expect(property(audit[0]!.body, 'properties.scope')?.text).toMatch(/^'\$\{account\.id\}\/dbs\/\$\{databaseName\}\/colls\/audit2'$/);
    expect(actionsOf(roleOf(audit[0]!)).sort()).toEqual(
      ['sqlDatabases/containers/items/create', 'sqlDatabases/containers/items/read', 'sqlDatabases/containers/executeQuery'].sort(),
    );
  });

  it('the read/write role is assigned per container, to every container except audit', () => {
    const app = assignments.filter((a) => roleOf(a).symbol === 'appDataRole');
    expect(app).toHaveLength(1);
    const [assignment] = app;
    expect(assignment!.loop).not.toBeNull();
    expect(loopSource(assignment!.loop!)?.text).toBe('filter(containers, x => !x.appendOnly)');
    expect(property(assignment!.body, 'properties.scope')?.text).toBe("'${account.id}/dbs/${databaseName}/colls/${c.name}'");
    const containers = literal(variable(assignment!.file, 'containers')!) as { name: string; appendOnly: boolean }[];
    expect(containers.filter((c) => c.appendOnly).map((c) => c.name)).toEqual(['audit2']);
    expect(actionsOf(roleOf(assignment!)).sort()).toEqual(
      [
        'sqlDatabases/containers/items/read',
        'sqlDatabases/containers/items/create',
        'sqlDatabases/containers/items/upsert',
        'sqlDatabases/containers/items/replace',
        'sqlDatabases/containers/items/delete',
        'sqlDatabases/containers/executeQuery',
        'sqlDatabases/containers/readChangeFeed',
      ].sort(),
    );
  });

  it('only metadata is readable account-wide; every assignment goes to the app identity', () => {
    for (const a of assignments) {
      expect(property(a.body, 'properties.principalId')?.text).toBe('appPrincipalId');
      const scope = property(a.body, 'properties.scope')!.text;
      if (!scope.includes('/colls/')) expect(actionsOf(roleOf(a))).toEqual(['readMetadata']);
    }
  });
});

describe('Azure RBAC role assignments (least privilege)', () => {
  const allowedRoles: Record<string, string> = {
    '12338af0-0e69-4776-bea7-57ae8d297424': 'Key Vault Crypto User',
    '69a216fc-b8fb-44d8-bc22-1f3c2552ae39': 'Azure Service Bus Data Sender',
    '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0': 'Azure Service Bus Data Receiver',
    'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
    'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
    '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
    '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
  };
  const assignments = findResources(files, 'Microsoft.Authorization/roleAssignments');
  const roleId = (a: ResourceDeclaration) => property(a.body, 'properties.roleDefinitionId')?.text.match(/'([0-9a-f-]{36})'/)?.[1];
  const scopeOf = (a: ResourceDeclaration) => property(a.body, 'scope')?.text;
  const symbolType = (file: string, symbol: string) =>
    allResources(files).find((r) => r.file.path === file && r.symbol === symbol.replace(/\[i\]$/, ''))?.type;

  it('grants only the roles the app needs, to the app identity, on a named resource', () => {
    expect(assignments.length).toBeGreaterThanOrEqual(5);
    for (const a of assignments) {
      expect(Object.keys(allowedRoles)).toContain(roleId(a));
      expect(literalAt(a.body, 'properties.principalType')).toBe('ServicePrincipal');
      expect(['appPrincipalId', 'identityPrincipalId', 'fileEventsPrincipalId']).toContain(property(a.body, 'properties.principalId')?.text);
      expect(scopeOf(a)).toBeDefined();
    }
  });

  it('Service Bus sender and receiver are scoped to each queue, not the namespace', () => {
    const sb = assignments.filter((a) => ['69a216fc-b8fb-44d8-bc22-1f3c2552ae39', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'].includes(roleId(a) ?? '') && a.loop);
    expect(sb).toHaveLength(2);
    for (const a of sb) {
      expect(scopeOf(a)).toBe('queueResources[i]');
      expect(symbolType(a.file.path, scopeOf(a)!)).toBe('Microsoft.ServiceBus/namespaces/queues');
      expect(loopSource(a.loop!)?.text).toBe('queues');
    }
  });

  it('Key Vault Crypto User is granted per key, on each of the three keys', () => {
    const kv = assignments.filter((a) => roleId(a) === '12338af0-0e69-4776-bea7-57ae8d297424');
    expect(kv).toHaveLength(3);
    for (const a of kv) expect(symbolType(a.file.path, scopeOf(a)!)).toBe('Microsoft.KeyVault/vaults/keys');
  });

  it('grants nothing to people: no principal parameter in main.bicep or its parameters', () => {
    const main = file('infra/main.bicep');
    expect(main.source).not.toMatch(/param\s+principalId/);
    expect(main.source).not.toMatch(/AZURE_PRINCIPAL_ID/);
    expect(main.source).not.toMatch(/principalType:\s*'User'/);
    for (const f of files) expect(f.source).not.toMatch(/principalType:\s*'(User|Group)'/);
  });
});

describe('Key Vault keys', () => {
  const keys = findResources(files, 'Microsoft.KeyVault/vaults/keys');
  const key = (name: string) => {
    const k = keys.find((x) => literalAt(x.body, 'name') === name);
    expect(k).toBeDefined();
    return k!;
  };

  it('data-key KEK is RSA 3072 for wrapKey/unwrapKey', () => {
    const k = key('data-kek');
    expect(literalAt(k.body, 'properties.kty')).toBe('RSA');
    expect(literalAt(k.body, 'properties.keySize')).toBe(3072);
    expect(literalAt(k.body, 'properties.keyOps')).toEqual(['wrapKey', 'unwrapKey']);
  });

  it.each(['token-signing', 'audit-signing'])('%s is EC P-256 for sign/verify', (name) => {
    const k = key(name);
    expect(literalAt(k.body, 'properties.kty')).toBe('EC');
    expect(literalAt(k.body, 'properties.curveName')).toBe('P-256');
    expect(literalAt(k.body, 'properties.keyOps')).toEqual(['sign', 'verify']);
  });

  it('every key has a rotation policy that rotates and is not exportable', () => {
    expect(keys).toHaveLength(3);
    for (const k of keys) {
      const policy = literalAt(k.body, 'properties.rotationPolicy') as { lifetimeActions: { action: { type: string } }[] };
      expect(policy.lifetimeActions.map((a) => a.action.type)).toContain('rotate');
      expect(literalAt(k.body, 'properties.attributes.exportable')).toBe(false);
    }
  });

  it('the vault has no access policies (RBAC only) and its audit log goes to Log Analytics (Azure.KeyVault.Logs)', () => {
    const vault = one('Microsoft.KeyVault/vaults');
    expect(property(vault.body, 'properties.accessPolicies')).toBeUndefined();
    const diag = findResources(files, 'Microsoft.Insights/diagnosticSettings').filter((d) => d.file.path === vault.file.path);
    expect(diag).toHaveLength(1);
    expect(literalAt(diag[0]!.body, 'properties.logs')).toEqual([{ category: 'AuditEvent', enabled: true }]);
  });
});

describe('Functions app (Flex Consumption, identity-based connections)', () => {
  const site = one('Microsoft.Web/sites');
  const settings = new Map<string, string>();
  for (const entry of property(site.body, 'properties.siteConfig.appSettings')?.namedChildren ?? []) {
    if (!entry || entry.type !== 'object') continue;
    settings.set(String(literalAt(entry, 'name')), property(entry, 'value')!.text);
  }

  it('has every setting the app reads, identity-based', () => {
    const literalSettings: Record<string, string> = {
      AzureWebJobsStorage__credential: "'managedidentity'",
      ServiceBusConnection__credential: "'managedidentity'",
    };
    for (const [name, value] of Object.entries(literalSettings)) expect(settings.get(name)).toBe(value);
    const references: Record<string, string> = {
      AzureWebJobsStorage__accountName: 'storage.name',
      AzureWebJobsStorage__clientId: 'identityClientId',
      ServiceBusConnection__fullyQualifiedNamespace: 'serviceBusFullyQualifiedNamespace',
      ServiceBusConnection__clientId: 'identityClientId',
      SERVICEBUS_NAMESPACE: 'serviceBusFullyQualifiedNamespace',
      COSMOS_ENDPOINT: 'cosmosEndpoint',
      COSMOS_DATABASE: 'cosmosDatabase',
      COSMOS_PREFERRED_REGIONS: 'cosmosPreferredRegions',
      KEYVAULT_KEY_ID: 'dataKeyId',
      TOKEN_SIGNING_KEY_ID: 'tokenSigningKeyId',
      AUDIT_SIGNING_KEY_ID: 'auditSigningKeyId',
      AZURE_CLIENT_ID: 'identityClientId',
      APP_ENV: 'environmentType',
      CORS_ORIGINS: "join(webClientOrigins, ',')",
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'applicationInsightsConnectionString',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "'Authorization=AAD;ClientId=${identityClientId}'",
    };
    for (const [name, value] of Object.entries(references)) expect([name, settings.get(name)]).toEqual([name, value]);
  });

  it('main.bicep wires the settings to the right resources', () => {
    const main = file('infra/main.bicep');
    expect(main.source).toMatch(/serviceBusFullyQualifiedNamespace: serviceBus\.outputs\.fullyQualifiedNamespace/);
    expect(file('infra/modules/servicebus.bicep').source).toMatch(/output fullyQualifiedNamespace string = '\$\{namespace\.name\}\.servicebus\.windows\.net'/);
    expect(main.source).toMatch(/dataKeyId: keyVault\.outputs\.dataKeyId/);
    expect(file('infra/modules/keyvault.bicep').source).toMatch(/output dataKeyId string = dataKek\.properties\.keyUri/);
    expect(main.source).toMatch(/databaseName: 'pmi'/);
    expect(literal(variable(main, 'regionDisplayNames')!)).toEqual({ northeurope: 'North Europe', westeurope: 'West Europe' });
  });

  it('holds no secrets in app settings', () => {
    expect(settings.size).toBeGreaterThanOrEqual(18);
    // The one exception is the shape of a Key Vault reference: it names a secret, it does not hold one.
    const keyVaultReference = /^'@Microsoft\.KeyVault\(VaultName=\$\{keyVaultName\};SecretName=\$\{passwordPepperSecretName\}\)'$/;
    for (const [name, value] of settings) {
      if (keyVaultReference.test(value)) continue;
      expect([name, value]).not.toEqual([name, expect.stringMatching(/listKeys|listConnectionStrings|primaryKey|AccountKey|SharedAccessKey|secret/i)]);
    }
    for (const f of files) expect(f.source).not.toMatch(/\blist(Keys|ConnectionStrings|Secrets)\s*\(/);
  });

  it('runs Node 20/22 on Flex Consumption, deploying from blob storage with the user-assigned identity', () => {
    expect(literalAt(site.body, 'properties.functionAppConfig.runtime.name')).toBe('node');
    expect(property(site.body, 'properties.functionAppConfig.runtime.version')?.text).toBe('nodeVersion');
    const fn = file('infra/modules/functions.bicep');
    expect(fn.source).toMatch(/@allowed\(\[\s*'20'\s*'22'\s*\]\)\s*param nodeVersion string/);
    expect(literalAt(site.body, 'properties.functionAppConfig.deployment.storage.type')).toBe('blobContainer');
    expect(literalAt(site.body, 'properties.functionAppConfig.deployment.storage.authentication.type')).toBe('UserAssignedIdentity');
    expect(property(site.body, 'tags')?.text).toMatch(/'azd-service-name': 'api'/);
  });

  it('limits CORS to the web client origins parameter', () => {
    expect(property(site.body, 'properties.siteConfig.cors.allowedOrigins')?.text).toBe('webClientOrigins');
    expect(literalAt(site.body, 'properties.siteConfig.cors.supportCredentials')).toBe(false);
    expect(file('infra/modules/functions.bicep').source).toMatch(/param webClientOrigins array = \[\]/);
    expect(file('infra/main.bicep').source).toMatch(/webClientOrigins: webClientOrigins/);
  });
});

describe('alerts', () => {
  const metricAlerts = findResources(files, 'Microsoft.Insights/metricAlerts');
  const queryRules = findResources(files, 'Microsoft.Insights/scheduledQueryRules');
  const criteria = (r: ResourceDeclaration) =>
    (property(r.body, 'properties.criteria.allOf')?.namedChildren ?? []).filter((n) => n?.type === 'object').map((n) => n!);

  it('dead-lettered messages > 0 on the Service Bus namespace', () => {
    const c = metricAlerts.flatMap(criteria).find((x) => literalAt(x, 'metricName') === 'DeadletteredMessages');
    expect(c).toBeDefined();
    expect(literalAt(c!, 'metricNamespace')).toBe('Microsoft.ServiceBus/namespaces');
    expect(literalAt(c!, 'operator')).toBe('GreaterThan');
    expect(literalAt(c!, 'threshold')).toBe(0);
  });

  it('Cosmos requests answered 429', () => {
    const c = metricAlerts.flatMap(criteria).find((x) => literalAt(x, 'metricName') === 'TotalRequests');
    expect(c).toBeDefined();
    expect(literalAt(c!, 'dimensions')).toEqual([{ name: 'StatusCode', operator: 'Include', values: ['429'] }]);
  });

  it('audit integrity failures, from traces', () => {
    const c = queryRules.flatMap(criteria).find((x) => String(literalAt(x, 'query')).includes('audit.integrity_failed'));
    expect(c).toBeDefined();
    expect(String(literalAt(c!, 'query'))).toMatch(/^traces\b/);
    expect(literalAt(c!, 'threshold')).toBe(0);
  });

  it('data keys the re-wrapping timer could not re-wrap, from traces (the message it logs)', () => {
    const c = queryRules.flatMap(criteria).find((x) => String(literalAt(x, 'query')).includes('data keys could not be re-wrapped'));
    expect(c).toBeDefined();
    expect(literalAt(c!, 'threshold')).toBe(0);
    // The query matches what the code logs: the two must not drift apart.
    expect(readFileSync(join(repoRoot, 'shared/privacy/index.ts'), 'utf8')).toContain("'data keys could not be re-wrapped");
  });

  it('5xx rate from failed requests', () => {
    const c = queryRules.flatMap(criteria).find((x) => String(literalAt(x, 'query')).includes('resultCode) >= 500'));
    expect(c).toBeDefined();
    expect(String(literalAt(c!, 'query'))).toMatch(/^requests\b/);
  });
});
