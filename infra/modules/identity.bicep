// The application's one identity. Every data-plane permission in this deployment is granted to it
// and to nothing else: no human, no deployment principal, no shared key.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region (EU only, validated by main.bicep).')
param location string

param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
