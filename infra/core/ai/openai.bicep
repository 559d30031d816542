// An Azure OpenAI account (Microsoft Entra ID only) with speech-to-text deployments, and the
// "Cognitive Services OpenAI User" role for the app's identity.
import { openAIDeployment, tagSet } from '../../types.bicep'

@description('Account name; also its custom subdomain.')
param name string

@description('Region of the account: one that offers the models below.')
param location string

@description('Tags applied to the account.')
param tags tagSet = {}

@description('Deployments to create.')
param deployments openAIDeployment[]

@description('Object id of the identity that calls the deployments.')
param principalId string

@description('Known before deployment and stable (the identity\'s resource id): the role assignment is named after it.')
param principalKey string

// Cognitive Services OpenAI User
var openAIUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

// One at a time: the service rejects concurrent deployment changes on one account.
@batchSize(1)
resource modelDeployments 'Microsoft.CognitiveServices/accounts/deployments@2026-09-01' = [for d in deployments: {
  parent: account
  name: d.name
  sku: {
    name: d.skuName
    capacity: d.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: d.model
      version: d.version
    }
  }
}]

resource userRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalKey, openAIUser)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAIUser)
  }
}

output name string = account.name
// https://<name>.openai.azure.com/ as the service reports it (no cloud-specific host written here).
output endpoint string = account.properties.endpoint
