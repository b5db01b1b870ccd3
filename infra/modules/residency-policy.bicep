// Data residency: the built-in "Allowed locations" policy, assigned to this environment's resource
// group, denies any resource outside the EU regions listed here. Alert rules and action groups are
// 'global' metadata resources, which the built-in definition always allows.

@description('EU regions this environment may use.')
param allowedLocations array

resource allowedLocationsAssignment 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: 'pmi-allowed-locations'
  properties: {
    displayName: 'PMI: resources only in EU regions'
    description: 'Customer data must not leave the EU. Denies creating resources outside the listed regions.'
    policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c'
    enforcementMode: 'Default'
    parameters: {
      listOfAllowedLocations: {
        value: allowedLocations
      }
    }
  }
}

output policyAssignmentId string = allowedLocationsAssignment.id
