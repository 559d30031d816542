// Lets the app's identity send telemetry to an Application Insights component with local auth disabled.
@description('Application Insights component name.')
param applicationInsightsName string

@description('Object id of the app identity.')
param principalId string

@description('Known before deployment and stable (the identity\'s resource id): the assignment is named after it.')
param principalKey string

// Monitoring Metrics Publisher
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalKey, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}
