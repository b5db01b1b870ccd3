// Cosmos DB for NoSQL: the platform's only store of service data.
//
// Residency and resilience: the account has exactly two regions, the primary (North Europe) and its
// pair (West Europe), both zone redundant, with service-managed failover. Continuous backup
// (7-day tier) keeps restorable history inside the account's own regions: backups never leave the EU.
//
// Access: keys are disabled (disableLocalAuth). The app identity gets custom data-plane roles:
// read/write on every container except 'audit2', and create + read/query only on 'audit2'
// (append-only: no replace, upsert or delete). No human is granted data access by this template.

param accountName string

@description('Primary (write) region.')
param primaryLocation string

@description('Secondary (read, failover) region.')
param secondaryLocation string

param tags object = {}

@description('Database name; must match the app setting COSMOS_DATABASE.')
param databaseName string = 'pmi'

@description('Autoscale maximum RU/s shared by the database containers.')
param maxThroughput int = 1000

@description('Principal id of the app identity.')
param appPrincipalId string

@description('Log Analytics workspace for diagnostics.')
param workspaceId string

// Every container the code uses (shared/platform/topology.ts), with its partition key.
// excludedPaths keeps ciphertext, raw bodies and outbox payloads out of the index: they are never
// queried, and indexing them only costs RUs. ttl: true sets defaultTtl -1 (TTL on, items live
// forever unless they carry their own ttl) so that expired sessions, tokens and claim checks clean up.
// appendOnly marks the container the app may only create and read in. uniqueKeys are fixed at
// creation (the app refuses to start on a container without the ones it relies on).
var containers = [
  {
    name: 'tenants'
    partitionKey: [
      '/tenantId'
    ]
    ttl: false
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'identity'
    partitionKey: [
      '/tenantId'
    ]
    ttl: true
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'keys'
    partitionKey: [
      '/tenantId'
    ]
    ttl: false
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/wrapped/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'outbox'
    partitionKey: [
      '/tenantId'
    ]
    ttl: false
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/payload/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'audit2'
    partitionKey: [
      '/tenantId'
      '/_scope'
    ]
    ttl: false
    appendOnly: true
    uniqueKeys: [
      {
        paths: [
          '/eventId'
        ]
      }
    ]
    excludedPaths: [
      '/enc/*'
      '/payload/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'imports2'
    partitionKey: [
      '/tenantId'
      '/_scope'
    ]
    ttl: true
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/raw/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'facts2'
    partitionKey: [
      '/tenantId'
      '/_scope'
      '/_shard'
    ]
    ttl: false
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/raw/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'aggregates2'
    partitionKey: [
      '/tenantId'
      '/_scope'
    ]
    ttl: false
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'planning'
    partitionKey: [
      '/tenantId'
    ]
    ttl: false
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'sustainability'
    partitionKey: [
      '/tenantId'
      '/_scope'
    ]
    ttl: false
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/pendingMessages/*'
    ]
  }
  {
    name: 'privacy'
    partitionKey: [
      '/tenantId'
    ]
    ttl: false
    appendOnly: false
    uniqueKeys: []
    excludedPaths: [
      '/enc/*'
      '/pendingMessages/*'
    ]
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: primaryLocation
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: primaryLocation
        failoverPriority: 0
        isZoneRedundant: true
      }
      {
        locationName: secondaryLocation
        failoverPriority: 1
        isZoneRedundant: true
      }
    ]
    enableAutomaticFailover: true
    enableMultipleWriteLocations: false
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    enableFreeTier: false
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: {
      autoscaleSettings: {
        maxThroughput: maxThroughput
      }
    }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for c in containers: {
  parent: database
  name: c.name
  properties: {
    resource: union({
      id: c.name
      // More than one path: hierarchical partition keys (shared/platform/topology.ts, docs/capacity.md).
      partitionKey: {
        paths: c.partitionKey
        kind: length(c.partitionKey) > 1 ? 'MultiHash' : 'Hash'
        version: 2
      }
      uniqueKeyPolicy: {
        uniqueKeys: c.uniqueKeys
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: concat(c.excludedPaths, [
          {
            path: '/"_etag"/?'
          }
        ])
      }
    }, c.ttl ? {
      defaultTtl: -1
    } : {})
  }
}]

// Data actions the app needs on its read/write containers.
resource appDataRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-11-15' = {
  parent: account
  name: guid(account.id, 'pmi-app-data')
  properties: {
    roleName: 'PMI app data contributor'
    type: 'CustomRole'
    assignableScopes: [
      account.id
    ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/upsert'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/replace'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/delete'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed'
        ]
      }
    ]
  }
}

// Append-only: create and read/query, never replace, upsert or delete.
resource auditAppendRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-11-15' = {
  parent: account
  name: guid(account.id, 'pmi-audit-append')
  properties: {
    roleName: 'PMI audit append-only writer'
    type: 'CustomRole'
    assignableScopes: [
      account.id
    ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery'
        ]
      }
    ]
  }
}

// Account, database and container metadata (the SDK reads it to route requests). No data access.
resource metadataReaderRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-11-15' = {
  parent: account
  name: guid(account.id, 'pmi-metadata-reader')
  properties: {
    roleName: 'PMI metadata reader'
    type: 'CustomRole'
    assignableScopes: [
      account.id
    ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/readMetadata'
        ]
      }
    ]
  }
}

resource metadataReaderAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, appPrincipalId, 'pmi-metadata-reader')
  properties: {
    roleDefinitionId: metadataReaderRole.id
    principalId: appPrincipalId
    scope: account.id
  }
}

// One assignment per read/write container, each scoped to that container only, so that the
// read/write role never reaches the audit container.
resource appDataAssignments 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [for c in filter(containers, x => !x.appendOnly): {
  parent: account
  name: guid(account.id, appPrincipalId, 'pmi-app-data', c.name)
  properties: {
    roleDefinitionId: appDataRole.id
    principalId: appPrincipalId
    scope: '${account.id}/dbs/${databaseName}/colls/${c.name}'
  }
  dependsOn: [
    sqlContainers
  ]
}]

resource auditAppendAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, appPrincipalId, 'pmi-audit-append')
  properties: {
    roleDefinitionId: auditAppendRole.id
    principalId: appPrincipalId
    scope: '${account.id}/dbs/${databaseName}/colls/audit2'
  }
  dependsOn: [
    sqlContainers
  ]
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        category: 'DataPlaneRequests'
        enabled: true
      }
      {
        category: 'ControlPlaneRequests'
        enabled: true
      }
    ]
  }
}

output accountId string = account.id
output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
