// Service Bus Premium: zone redundant, Entra ID only (no SAS keys), TLS 1.2+.
// The app identity may send to and receive from exactly the queues below, nothing else.

param namespaceName string
param location string
param tags object = {}

@description('Premium messaging units.')
@allowed([
  1
  2
  4
])
param capacity int = 1

@description('Principal id of the app identity.')
param appPrincipalId string

param workspaceId string

@description('Principal id of the storage account\'s Event Grid system topic: sends blob-created events to file-drops, nothing else.')
param fileEventsPrincipalId string

// The queues the code uses (shared/platform/topology.ts). Duplicate detection makes re-sends
// idempotent; after 10 failed deliveries a message goes to the dead-letter sub-queue.
var queues = [
  {
    name: 'imports'
    requiresSession: false
  }
  {
    name: 'redaction'
    requiresSession: false
  }
  {
    name: 'audit'
    requiresSession: true
  }
  {
    name: 'connector-runs'
    requiresSession: false
  }
  {
    name: 'file-drops'
    requiresSession: false
  }
]

var fileDropsQueue = indexOf(map(queues, q => q.name), 'file-drops')

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Premium'
    tier: 'Premium'
    capacity: capacity
  }
  properties: {
    zoneRedundant: true
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    premiumMessagingPartitions: 1
  }
}

resource queueResources 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for q in queues: {
  parent: namespace
  name: q.name
  properties: {
    requiresSession: q.requiresSession
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
    enablePartitioning: false
  }
}]

// Azure Service Bus Data Sender, one per queue.
resource senders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (q, i) in queues: {
  name: guid(queueResources[i].id, appPrincipalId, '69a216fc-b8fb-44d8-bc22-1f3c2552ae39')
  scope: queueResources[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2552ae39')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// Azure Service Bus Data Receiver, one per queue.
resource receivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (q, i) in queues: {
  name: guid(queueResources[i].id, appPrincipalId, '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
  scope: queueResources[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// Azure Service Bus Data Sender for Event Grid on the file-drops queue only.
resource fileEventsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queueResources[fileDropsQueue].id, fileEventsPrincipalId, '69a216fc-b8fb-44d8-bc22-1f3c2552ae39')
  scope: queueResources[fileDropsQueue]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2552ae39')
    principalId: fileEventsPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

output namespaceId string = namespace.id
output namespaceName string = namespace.name
output fileDropsQueueId string = queueResources[fileDropsQueue].id
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
