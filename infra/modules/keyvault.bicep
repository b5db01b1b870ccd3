// Key Vault: the keys that protect personal data and sign tokens and audit checkpoints, and the
// password pepper. RBAC authorization only (no access policies), purge protection, 90-day soft delete.
// Keys are non-exportable; the app identity may use them (wrap/unwrap, sign/verify) and read the one
// pepper secret, and nothing more.
// Production hardening not done here: a private endpoint and publicNetworkAccess 'Disabled'.

param vaultName string
param location string
param tags object = {}

@description('Principal id of the app identity (Key Vault Crypto User on each key).')
param appPrincipalId string

param workspaceId string

// Bicep cannot generate a random value that survives redeployments, so the pepper comes from the
// deployer once (azd env PASSWORD_PEPPER) or is set with `az keyvault secret set` (docs/operations.md).
// Empty: the secret is left exactly as it is. It must never change once users exist: every password
// hash and recovery code is an HMAC under it.
@secure()
@description('32 random bytes, base64. Empty = leave the password-pepper secret as it is.')
param passwordPepper string = ''

var passwordPepperSecretName = 'password-pepper'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enablePurgeProtection: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Key-encryption key for per-subject data keys. Rotation creates a new version; wrapped data keys
// name the version that wrapped them, so old versions stay enabled until every key is re-wrapped.
resource dataKek 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: 'data-kek'
  properties: {
    kty: 'RSA'
    keySize: 3072
    keyOps: [
      'wrapKey'
      'unwrapKey'
    ]
    attributes: {
      enabled: true
      exportable: false
    }
    rotationPolicy: {
      attributes: {
        expiryTime: 'P2Y'
      }
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P1Y'
          }
          action: {
            type: 'rotate'
          }
        }
        {
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
          action: {
            type: 'notify'
          }
        }
      ]
    }
  }
}

// ES256 key for access tokens; verifiers pick the version by the token's kid.
resource tokenSigningKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: 'token-signing'
  properties: {
    kty: 'EC'
    curveName: 'P-256'
    keyOps: [
      'sign'
      'verify'
    ]
    attributes: {
      enabled: true
      exportable: false
    }
    rotationPolicy: {
      attributes: {
        expiryTime: 'P180D'
      }
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P90D'
          }
          action: {
            type: 'rotate'
          }
        }
        {
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
          action: {
            type: 'notify'
          }
        }
      ]
    }
  }
}

// ES256 key for audit chain checkpoints.
resource auditSigningKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: 'audit-signing'
  properties: {
    kty: 'EC'
    curveName: 'P-256'
    keyOps: [
      'sign'
      'verify'
    ]
    attributes: {
      enabled: true
      exportable: false
    }
    rotationPolicy: {
      attributes: {
        expiryTime: 'P2Y'
      }
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P1Y'
          }
          action: {
            type: 'rotate'
          }
        }
        {
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
          action: {
            type: 'notify'
          }
        }
      ]
    }
  }
}

// Key Vault Crypto User, scoped to each key (not the vault): the app can use these three keys only.
resource kekCryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataKek.id, appPrincipalId, '12338af0-0e69-4776-bea7-57ae8d297424')
  scope: dataKek
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12338af0-0e69-4776-bea7-57ae8d297424')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource tokenKeyCryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(tokenSigningKey.id, appPrincipalId, '12338af0-0e69-4776-bea7-57ae8d297424')
  scope: tokenSigningKey
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12338af0-0e69-4776-bea7-57ae8d297424')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource auditKeyCryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(auditSigningKey.id, appPrincipalId, '12338af0-0e69-4776-bea7-57ae8d297424')
  scope: auditSigningKey
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12338af0-0e69-4776-bea7-57ae8d297424')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The pepper HMACs every password before bcrypt; the app reads it through a Key Vault reference.
// No expiry and no rotation: a new value would invalidate every stored password hash.
resource passwordPepperSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(passwordPepper)) {
  parent: vault
  name: passwordPepperSecretName
  properties: {
    value: passwordPepper
    contentType: 'base64; 32 bytes'
    attributes: {
      enabled: true
    }
  }
}

// Key Vault Secrets User on the pepper secret only, so the app can resolve its Key Vault reference.
// The scope is built from the name, so the grant also applies when the secret was set by hand.
resource pepperSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, passwordPepperSecretName, appPrincipalId, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: passwordPepperSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
  }
}

output vaultId string = vault.id
output vaultName string = vault.name
output vaultUri string = vault.properties.vaultUri
output dataKeyId string = dataKek.properties.keyUri
output tokenSigningKeyId string = tokenSigningKey.properties.keyUri
output auditSigningKeyId string = auditSigningKey.properties.keyUri
output passwordPepperSecretName string = passwordPepperSecretName
