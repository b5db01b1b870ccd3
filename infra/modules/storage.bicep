// The storage account of file drops: one blob container per `file` integration (the app creates
// it, named int-<hex of the integration id>), reachable by hotels and vendors over SFTP as local
// users (one per integration, created by the operator runbook in docs/operations.md: Bicep cannot
// know the integrations), and by the app through its managed identity. Shared keys are off; SFTP
// local users authenticate with their own SSH keys or passwords, which shared-key settings don't govern.
// Blob-created events go through the Event Grid system topic below to the file-drops queue
// (file-events.bicep subscribes it once Service Bus lets the topic send).

param accountName string
param location string
param tags object = {}

@description('Principal id of the app identity: reads, writes and deletes blobs, creates containers.')
param appPrincipalId string

@description('Days a dropped file may stay: the raw-body retention (IMPORT_RAW_RETENTION_DAYS).')
@minValue(1)
param retentionDays int = 30

param workspaceId string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    // SFTP needs the hierarchical namespace (Data Lake Storage Gen2); local users are its accounts.
    isHnsEnabled: true
    isSftpEnabled: true
    isLocalUserEnabled: true
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    allowCrossTenantReplication: false
    // Hotels' SFTP clients connect from the internet; the blob endpoint takes Entra ID tokens only.
    publicNetworkAccess: 'Enabled'
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: {
          enabled: true
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

// The app deletes a file once it is imported (its sealed copy is the one kept); whatever is
// never picked up (a disabled or deleted integration) goes after the raw-body retention.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-dropped-files'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'int-'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: retentionDays
                }
              }
            }
          }
        }
        {
          // Raw bodies too large for their import record (raw-<hash of the tenant>): the app's retention
          // purge deletes each with its record; this also takes a blob whose record was never written.
          name: 'delete-raw-bodies'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'raw-'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: retentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

// Storage Blob Data Contributor on this account only: the app creates containers and reads,
// writes and deletes the files in them.
resource appBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appPrincipalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The account's events; its own identity sends them to Service Bus (no keys).
resource fileEvents 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: '${accountName}-events'
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

output accountId string = account.id
output accountName string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output fileEventsTopicName string = fileEvents.name
output fileEventsPrincipalId string = fileEvents.identity.principalId
