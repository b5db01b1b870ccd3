// The API: Azure Functions on the Flex Consumption plan, Node.js, running as the user-assigned
// identity. Every connection is identity-based: the app settings hold endpoints and the identity's
// client id, never a key, SAS token or connection string with a secret. The one secret the app
// needs, the password pepper, is a Key Vault reference resolved by the platform as that identity.
// Empty settings count as unset (shared/platform/config.ts loadConfig), so optional values may be ''.

param appName string
param planName string
param storageAccountName string
param location string
param tags object = {}

@allowed([
  'dev'
  'test'
  'prod'
])
param environmentType string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string
param identityClientId string
param identityPrincipalId string

@description('Origins of the web client allowed by CORS, e.g. https://app.example.com.')
param webClientOrigins array = []

param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048

@allowed([
  '20'
  '22'
])
param nodeVersion string = '20'

param cosmosEndpoint string
param cosmosDatabase string = 'pmi'

@description('Cosmos regions in preference order, display names, comma-separated.')
param cosmosPreferredRegions string

@description('Service Bus namespace host name: <name>.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Blob endpoint of the file-drop storage account (storage.bicep).')
param storageAccountUrl string

@description('Days raw bodies and dropped files are kept (the storage lifecycle rule uses the same).')
param rawBodyRetentionDays int = 30

param dataKeyId string
param tokenSigningKeyId string
param auditSigningKeyId string

@description('Key Vault holding the password-pepper secret (resolved through a Key Vault reference).')
param keyVaultName string
param passwordPepperSecretName string

@description('Where SSO failures send the browser; empty = <first web client origin>/login/error.')
param ssoErrorUrl string = ''

@description('Base URL of the web client that invitation and password-reset e-mails link to; empty = the first web client origin.')
param webAppUrl string = ''

@description('Version reported by the health endpoint and OpenAPI document; empty = the built-in default.')
param appVersion string = ''

@description('Azure Communication Services e-mail endpoint and sender; both empty = no e-mail delivery.')
param acsEmailEndpoint string = ''
param acsEmailSender string = ''

@description('Azure Communication Services SMS endpoint and E.164 sender number; both empty = no SMS delivery.')
param acsSmsEndpoint string = ''
param acsSmsFrom string = ''

param applicationInsightsConnectionString string

var deploymentContainerName = 'app-package-${take(toLower(appName), 32)}'

// Token issuer and the base of links in e-mails. Built from the name, not site.properties, which
// would make the site's own settings depend on the site.
var publicBaseUrl = 'https://${appName}.azurewebsites.net'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Storage Blob Data Owner on the app's own storage account: the Functions host keeps leases,
// keys and the deployment package there.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityPrincipalId, 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    keyVaultReferenceIdentity: identityId
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      cors: {
        allowedOrigins: webClientOrigins
        supportCredentials: false
      }
      appSettings: [
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storage.name
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        {
          name: 'ServiceBusConnection__fullyQualifiedNamespace'
          value: serviceBusFullyQualifiedNamespace
        }
        {
          name: 'ServiceBusConnection__credential'
          value: 'managedidentity'
        }
        {
          name: 'ServiceBusConnection__clientId'
          value: identityClientId
        }
        {
          name: 'SERVICEBUS_NAMESPACE'
          value: serviceBusFullyQualifiedNamespace
        }
        {
          name: 'STORAGE_ACCOUNT_URL'
          value: storageAccountUrl
        }
        {
          name: 'IMPORT_RAW_RETENTION_DAYS'
          value: string(rawBodyRetentionDays)
        }
        {
          // Event Grid delivers drops; the sweep only catches what it missed.
          name: 'FILES_POLL_SCHEDULE'
          value: '0 0 * * * *'
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmosEndpoint
        }
        {
          name: 'COSMOS_DATABASE'
          value: cosmosDatabase
        }
        {
          name: 'COSMOS_PREFERRED_REGIONS'
          value: cosmosPreferredRegions
        }
        {
          name: 'KEYVAULT_KEY_ID'
          value: dataKeyId
        }
        {
          name: 'TOKEN_SIGNING_KEY_ID'
          value: tokenSigningKeyId
        }
        {
          name: 'AUDIT_SIGNING_KEY_ID'
          value: auditSigningKeyId
        }
        {
          name: 'PASSWORD_PEPPER'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${passwordPepperSecretName})'
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'APP_ENV'
          value: environmentType
        }
        {
          name: 'APP_VERSION'
          value: appVersion
        }
        {
          name: 'PUBLIC_BASE_URL'
          value: publicBaseUrl
        }
        {
          name: 'CORS_ORIGINS'
          value: join(webClientOrigins, ',')
        }
        {
          name: 'WEB_CLIENT_ORIGINS'
          value: join(webClientOrigins, ',')
        }
        {
          name: 'SSO_ERROR_URL'
          value: ssoErrorUrl
        }
        {
          name: 'WEB_APP_URL'
          value: webAppUrl
        }
        {
          name: 'ACS_EMAIL_ENDPOINT'
          value: acsEmailEndpoint
        }
        {
          name: 'ACS_EMAIL_SENDER'
          value: acsEmailSender
        }
        {
          name: 'ACS_SMS_ENDPOINT'
          value: acsSmsEndpoint
        }
        {
          name: 'ACS_SMS_FROM'
          value: acsSmsFrom
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: applicationInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'Authorization=AAD;ClientId=${identityClientId}'
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
  dependsOn: [
    blobDataOwner
    deploymentContainer
  ]
}

// No basic-auth (publishing profile) deployments: azd deploys with Entra ID.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output appId string = site.id
output appName string = site.name
output defaultHostName string = site.properties.defaultHostName
output storageAccountName string = storage.name
