// An Azure OpenAI account (Microsoft Entra ID only) with speech-to-text deployments, and the
// "Cognitive Services OpenAI User" role for the app's identity.
@description('Account name; also its custom subdomain (<name>.openai.azure.com).')
param name string

@description('Region of the account: one that offers the models below.')
param location string = resourceGroup().location

@description('Tags applied to the account.')
param tags object = {}

@description('Deployments: objects with name, model, version, skuName, capacity.')
param deployments array

@description('Object id of the identity that calls the deployments.')
param principalId string

// Cognitive Services OpenAI User
var openAIUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
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
resource modelDeployments 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = [for d in deployments: {
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
  name: guid(account.id, principalId, openAIUser)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAIUser)
  }
}

output name string = account.name
output endpoint string = 'https://${name}.openai.azure.com'
