// The function app's identity. User-assigned, so its role assignments exist before the app first starts.
import { tagSet } from '../../types.bicep'

@description('Identity name.')
param name string

@description('Region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags tagSet = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
