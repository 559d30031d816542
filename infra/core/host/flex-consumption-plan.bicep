// A Flex Consumption plan (FC1, Linux): per-execution billing, scale to zero, instance memory chosen per app.
import { tagSet } from '../../types.bicep'

@description('Plan name.')
param name string

@description('Region of the plan.')
param location string

@description('Tags applied to the plan.')
param tags tagSet = {}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
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
