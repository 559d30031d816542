// The speech-to-text function app on a Flex Consumption plan: .NET 10 isolated worker, user-assigned identity,
// identity-based storage connections and the app settings that configure src/Core's options (the model
// catalog, the blob pipeline, API keys). No keys or connection strings with secrets are set.
@description('Function app name (also its host name: <name>.azurewebsites.net).')
param name string

@description('Region of the app.')
param location string = resourceGroup().location

@description('Tags applied to the app.')
param tags object = {}

@description('Resource id of the Flex Consumption plan.')
param planId string

@description('Storage account of the host, the package and the pipeline.')
param storageAccountName string

@description('Container holding the deployment package.')
param deploymentContainerName string

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('Client id of the app\'s user-assigned identity.')
param identityClientId string

@description('Application Insights connection string (no secret: ingestion needs Entra ID).')
param applicationInsightsConnectionString string

@description('Memory per instance in MB (2048 or 4096). whisper.cpp with base/small models wants 4096.')
@allowed([
  2048
  4096
])
param instanceMemoryMB int = 4096

@description('Most instances the platform may run at once.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 20

@description('Concurrent HTTP requests per instance. Inference is CPU-bound: keep it low.')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int = 2

@description('SHA-256 (hex) of the API key clients send as Bearer token; the key itself is never stored.')
param apiKeySha256 string

@description('Azure OpenAI endpoint (https://<account>.openai.azure.com), or empty for the local model only.')
param openAIEndpoint string = ''

@description('Azure OpenAI deployments offered as models: objects with id (public model id), name (deployment) and kind.')
param openAIDeployments array = []

@description('Model the blob pipeline uses when an input names none.')
param pipelineDefaultModel string = 'whisper-1'

@description('Container where recordings are dropped.')
param inputContainerName string

@description('Container where transcripts are written.')
param outputContainerName string

@description('Container holding job manifests and chunks.')
param jobsContainerName string

@description('Container of the usage records.')
param usageContainerName string

@description('Queue of chunk work items.')
param chunkQueueName string

@description('Queue of stitch work items.')
param stitchQueueName string

@description('Queue recording work items that failed for good.')
param poisonQueueName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

var blobEndpoint = storage.properties.primaryEndpoints.blob
var queueEndpoint = storage.properties.primaryEndpoints.queue

// AzureOpenAI:Deployments:N:* (src/Core AzureOpenAIOptions), one block per deployment, authenticated by the identity.
var openAISettings = empty(openAIEndpoint) ? {} : reduce(map(range(0, length(openAIDeployments)), i => {
  'AzureOpenAI__Deployments__${i}__Id': openAIDeployments[i].id
  'AzureOpenAI__Deployments__${i}__Endpoint': openAIEndpoint
  'AzureOpenAI__Deployments__${i}__Deployment': openAIDeployments[i].name
  'AzureOpenAI__Deployments__${i}__Kind': openAIDeployments[i].kind
  'AzureOpenAI__Deployments__${i}__ManagedIdentityClientId': identityClientId
}), {}, (all, one) => union(all, one))

var baseSettings = {
  // The host's own storage, identity-based.
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // The blob and queue triggers' connection (src/Functions PipelineBindings.Connection).
  PipelineStorage__blobServiceUri: blobEndpoint
  PipelineStorage__queueServiceUri: queueEndpoint
  PipelineStorage__credential: 'managedidentity'
  PipelineStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // src/Core StorageOptions: the pipeline's clients.
  Storage__BlobServiceUri: blobEndpoint
  Storage__QueueServiceUri: queueEndpoint
  Storage__ManagedIdentityClientId: identityClientId
  Storage__InputContainer: inputContainerName
  Storage__OutputContainer: outputContainerName
  Storage__JobsContainer: jobsContainerName
  Storage__ChunkQueue: chunkQueueName
  Storage__StitchQueue: stitchQueueName
  Storage__PoisonQueue: poisonQueueName
  // src/Core PipelineOptions (MaxAttempts stays at its default, which host.json's maxDequeueCount equals).
  Pipeline__DefaultModel: pipelineDefaultModel
  Pipeline__TempDirectory: '/tmp/stt-jobs'
  // src/Core AuthOptions: every call but /health needs this key; it is the operator's, so it may read GET /v1/usage.
  Auth__Keys__0__Id: 'default'
  Auth__Keys__0__Sha256: apiKeySha256
  Auth__Keys__0__Admin: 'true'
  // src/Core UsageOptions: usage records beside the pipeline's containers, one append blob per instance and day.
  Usage__Container: usageContainerName
  // src/Core ApiOptions / AudioOptions: spilled uploads on the instance's writable temp disk.
  Api__TempDirectory: '/tmp/stt-uploads'
  Audio__TempDirectory: '/tmp/stt-uploads'
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: union(baseSettings, openAISettings)
  }
}

output name string = app.name
output id string = app.id
output uri string = 'https://${app.properties.defaultHostName}'
