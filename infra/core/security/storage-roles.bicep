// Data-plane roles on the storage account for one principal.
@description('Storage account name.')
param storageAccountName string

@description('Object id of the principal that receives the roles.')
param principalId string

@description('Known before deployment and stable (an identity\'s resource id, or a person\'s object id): the assignments are named after it.')
param principalKey string

@description('ServicePrincipal for managed identities, User for a person.')
param principalType 'ServicePrincipal' | 'User' | 'Group' = 'ServicePrincipal'

@description('Role definition ids (GUIDs) to assign.')
param roleDefinitionIds string[]

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in roleDefinitionIds: {
  name: guid(storage.id, principalKey, roleId)
  scope: storage
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
  }
}]
