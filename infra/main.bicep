// PMI Platform backend: one azd environment = one resource group holding every resource it uses.
// dev, test and prod are separate azd environments (azd env new pmi-dev / pmi-test / pmi-prod),
// so test and production share nothing: no resource group, account, namespace, vault or identity.
//
// Everything is placed in EU regions only: `location` is limited to North Europe and West Europe,
// Cosmos DB replicates to the other one of the pair, and an "Allowed locations" policy on the
// resource group denies anything else.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name, e.g. pmi-dev, pmi-test, pmi-prod. Names the resource group.')
param environmentName string

@description('Primary region. EU only; the other region of the pair becomes the Cosmos DB secondary.')
@allowed([
  'northeurope'
  'westeurope'
])
param location string = 'northeurope'

@description('Sizing and safety profile.')
@allowed([
  'dev'
  'test'
  'prod'
])
param environmentType string = 'dev'

@description('Comma-separated origins of the web client allowed by CORS (azd env WEB_CLIENT_ORIGINS).')
param webClientOriginsCsv string = ''

@description('E-mail for alert notifications (azd env ALERT_EMAIL); empty for none.')
param alertEmail string = ''

@secure()
@description('Password pepper, 32 random bytes base64 (azd env PASSWORD_PEPPER), written to Key Vault secret password-pepper. Empty = leave the secret as it is (set once by hand: docs/operations.md). Never change it once users exist.')
param passwordPepper string = ''

@description('Where SSO failures send the browser (azd env SSO_ERROR_URL); empty = <first web client origin>/login/error.')
param ssoErrorUrl string = ''

@description('Base URL of the web client that e-mailed links open (azd env WEB_APP_URL); empty = the first web client origin.')
param webAppUrl string = ''

@description('Version reported by /api/v1/health and the OpenAPI document (azd env APP_VERSION); empty = the built-in default.')
param appVersion string = ''

@description('Azure Communication Services endpoint for e-mail (azd env ACS_EMAIL_ENDPOINT), e.g. https://<name>.<geo>.communication.azure.com.')
param acsEmailEndpoint string = ''

@description('Sender address of a verified ACS e-mail domain (azd env ACS_EMAIL_SENDER), e.g. DoNotReply@mail.example.com.')
param acsEmailSender string = ''

@description('Azure Communication Services endpoint for SMS (azd env ACS_SMS_ENDPOINT).')
param acsSmsEndpoint string = ''

@description('SMS sender number in E.164 (azd env ACS_SMS_FROM).')
param acsSmsFrom string = ''

@description('Days raw bodies and dropped files are kept (IMPORT_RAW_RETENTION_DAYS; the file storage lifecycle rule uses the same).')
@minValue(1)
param rawBodyRetentionDays int = 30

var secondaryLocation = location == 'northeurope' ? 'westeurope' : 'northeurope'

// Regions the "Allowed locations" policy permits in this resource group: EU only.
var allowedLocations = [
  'northeurope'
  'westeurope'
]

var regionDisplayNames = {
  northeurope: 'North Europe'
  westeurope: 'West Europe'
}

var webClientOrigins = empty(webClientOriginsCsv) ? [] : split(webClientOriginsCsv, ',')

var sizing = {
  dev: {
    cosmosMaxThroughput: 1000
    serviceBusCapacity: 1
    functionMaxInstances: 40
    logRetentionDays: 30
    cosmosThrottleThreshold: 100
  }
  test: {
    cosmosMaxThroughput: 1000
    serviceBusCapacity: 1
    functionMaxInstances: 40
    logRetentionDays: 30
    cosmosThrottleThreshold: 100
  }
  prod: {
    cosmosMaxThroughput: 4000
    serviceBusCapacity: 1
    functionMaxInstances: 100
    logRetentionDays: 90
    cosmosThrottleThreshold: 50
  }
}
var size = sizing[environmentType]

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  environment: environmentType
  'data-residency': 'eu'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module residency 'modules/residency-policy.bicep' = {
  name: 'residency-policy'
  scope: rg
  params: {
    allowedLocations: allowedLocations
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
  dependsOn: [
    residency
  ]
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    retentionInDays: size.logRetentionDays
    appPrincipalId: identity.outputs.principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: 'cosmos-${resourceToken}'
    primaryLocation: location
    secondaryLocation: secondaryLocation
    tags: tags
    databaseName: 'pmi'
    maxThroughput: size.cosmosMaxThroughput
    appPrincipalId: identity.outputs.principalId
    workspaceId: monitoring.outputs.workspaceId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    accountName: 'stfiles${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
    retentionDays: rawBodyRetentionDays
    workspaceId: monitoring.outputs.workspaceId
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    namespaceName: 'sb-${resourceToken}'
    location: location
    tags: tags
    capacity: size.serviceBusCapacity
    appPrincipalId: identity.outputs.principalId
    workspaceId: monitoring.outputs.workspaceId
    fileEventsPrincipalId: storage.outputs.fileEventsPrincipalId
  }
}

// After servicebus.bicep: Event Grid validates that its identity may send to the queue.
module fileEvents 'modules/file-events.bicep' = {
  name: 'file-events'
  scope: rg
  params: {
    systemTopicName: storage.outputs.fileEventsTopicName
    fileDropsQueueId: serviceBus.outputs.fileDropsQueueId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    vaultName: 'kv-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
    workspaceId: monitoring.outputs.workspaceId
    passwordPepper: passwordPepper
  }
}

module api 'modules/functions.bicep' = {
  name: 'functions'
  scope: rg
  params: {
    appName: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    storageAccountName: 'st${resourceToken}'
    location: location
    tags: tags
    environmentType: environmentType
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityPrincipalId: identity.outputs.principalId
    webClientOrigins: webClientOrigins
    maximumInstanceCount: size.functionMaxInstances
    nodeVersion: '20'
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabase: cosmos.outputs.databaseName
    cosmosPreferredRegions: '${regionDisplayNames[location]},${regionDisplayNames[secondaryLocation]}'
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    storageAccountUrl: storage.outputs.blobEndpoint
    rawBodyRetentionDays: rawBodyRetentionDays
    dataKeyId: keyVault.outputs.dataKeyId
    tokenSigningKeyId: keyVault.outputs.tokenSigningKeyId
    auditSigningKeyId: keyVault.outputs.auditSigningKeyId
    keyVaultName: keyVault.outputs.vaultName
    passwordPepperSecretName: keyVault.outputs.passwordPepperSecretName
    ssoErrorUrl: ssoErrorUrl
    webAppUrl: webAppUrl
    appVersion: appVersion
    acsEmailEndpoint: acsEmailEndpoint
    acsEmailSender: acsEmailSender
    acsSmsEndpoint: acsSmsEndpoint
    acsSmsFrom: acsSmsFrom
    applicationInsightsConnectionString: monitoring.outputs.connectionString
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: 'pmi-${environmentName}'
    location: location
    tags: tags
    serviceBusNamespaceId: serviceBus.outputs.namespaceId
    cosmosAccountId: cosmos.outputs.accountId
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    cosmosThrottleThreshold: size.cosmosThrottleThreshold
    alertEmail: alertEmail
  }
}

// azd reads these outputs into the environment (.azure/<env>/.env).
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CLIENT_ID string = identity.outputs.clientId
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output COSMOS_ACCOUNT_NAME string = cosmos.outputs.accountName
output STORAGE_ACCOUNT_URL string = storage.outputs.blobEndpoint
output FILES_STORAGE_ACCOUNT_NAME string = storage.outputs.accountName
output SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output KEYVAULT_NAME string = keyVault.outputs.vaultName
output KEYVAULT_KEY_ID string = keyVault.outputs.dataKeyId
output FUNCTION_APP_NAME string = api.outputs.appName
output API_BASE_URL string = 'https://${api.outputs.defaultHostName}'
