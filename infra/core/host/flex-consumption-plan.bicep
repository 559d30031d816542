// A Flex Consumption plan (FC1, Linux): per-execution billing, scale to zero, instance memory chosen per app.
@description('Plan name.')
param name string

@description('Region of the plan.')
param location string = resourceGroup().location

@description('Tags applied to the plan.')
param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: name
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

output id string = plan.id
output name string = plan.name
