// The speech-to-text function app on a Flex Consumption plan: .NET 10 isolated worker, user-assigned identity,
// identity-based storage connections and the app settings that configure src/Core's options (the model
// catalog, the blob pipeline, API keys). No keys or connection strings with secrets are set.
import { apiKey, openAIDeployment, tagSet } from '../types.bicep'

@description('Function app name (also its host name).')
param name string

@description('Region of the app.')
param location string

@description('Tags applied to the app.')
param tags tagSet = {}

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

@minLength(1)
@description('The API keys clients may send (hashes only; the keys themselves are never stored).')
param apiKeys apiKey[]

@description('Azure OpenAI endpoint (https://<account>.openai.azure.com/); used when openAIDeployments is not empty.')
param openAIEndpoint string = ''

@description('Azure OpenAI deployments offered as models.')
param openAIDeployments openAIDeployment[] = []

@description('Model the blob pipeline uses when an input names none.')
param pipelineDefaultModel string = 'whisper-1'

@description('Container where recordings are dropped.')
param inputContainerName string

@description('Container where transcripts are written.')
param outputContainerName string

@description('Container holding the jobs\' chunks and results.')
param jobsContainerName string

@description('Container of the usage records.')
param usageContainerName string

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

var blobEndpoint = storage.properties.primaryEndpoints.blob
var queueEndpoint = storage.properties.primaryEndpoints.queue
var tableEndpoint = storage.properties.primaryEndpoints.table

// Engine slots per instance: two on 4096 MB instances (two cores), one on 2048 MB ones. A job keeps every slot of
// every instance busy when it may have that many chunks in flight.
var slotsPerInstance = instanceMemoryMB >= 4096 ? 2 : 1

// AzureOpenAI:Deployments:N:* (src/Core AzureOpenAIOptions), one block per deployment, authenticated by the
// app's identity (Identity__ManagedIdentityClientId); ApiVersion and Fallbacks only where a deployment sets them.
var openAISettings = empty(openAIDeployments) ? {} : reduce(map(range(0, length(openAIDeployments)), i => union(
  {
    'AzureOpenAI__Deployments__${i}__Id': openAIDeployments[i].id
    'AzureOpenAI__Deployments__${i}__Endpoint': openAIEndpoint
    'AzureOpenAI__Deployments__${i}__Deployment': openAIDeployments[i].name
    'AzureOpenAI__Deployments__${i}__Kind': openAIDeployments[i].kind
  },
  empty(openAIDeployments[i].?apiVersion ?? '') ? {} : { 'AzureOpenAI__Deployments__${i}__ApiVersion': openAIDeployments[i].?apiVersion ?? '' },
  toObject(range(0, length(openAIDeployments[i].?fallbacks ?? [])), j => 'AzureOpenAI__Deployments__${i}__Fallbacks__${j}', j => (openAIDeployments[i].?fallbacks ?? [])[j])
)), {}, (all, one) => union(all, one))

// Auth:Keys:N:* (src/Core AuthOptions): the hash, whether it may read the usage report, and its optional limits.
var keySettings = reduce(map(range(0, length(apiKeys)), i => union(
  {
    'Auth__Keys__${i}__Id': apiKeys[i].id
    'Auth__Keys__${i}__Sha256': apiKeys[i].sha256
    'Auth__Keys__${i}__Admin': (apiKeys[i].?admin ?? false) ? 'true' : 'false'
  },
  apiKeys[i].?requestsPerMinute == null ? {} : { 'Auth__Keys__${i}__RequestsPerMinute': string(apiKeys[i].?requestsPerMinute) },
  apiKeys[i].?audioSecondsPerDay == null ? {} : { 'Auth__Keys__${i}__AudioSecondsPerDay': string(apiKeys[i].?audioSecondsPerDay) },
  apiKeys[i].?maxConcurrentRequests == null ? {} : { 'Auth__Keys__${i}__MaxConcurrentRequests': string(apiKeys[i].?maxConcurrentRequests) }
)), {}, (all, one) => union(all, one))

var baseSettings = {
  // The host's own storage, identity-based.
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // The blob trigger's and the Durable task hub's connection (src/Functions JobFunctionNames.Connection, host.json).
  PipelineStorage__blobServiceUri: blobEndpoint
  PipelineStorage__queueServiceUri: queueEndpoint
  PipelineStorage__tableServiceUri: tableEndpoint
  PipelineStorage__credential: 'managedidentity'
  PipelineStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // src/Core IdentityOptions: the one credential of the app's own clients (storage, Azure OpenAI, telemetry).
  Identity__ManagedIdentityClientId: identityClientId
  // src/Core StorageOptions: the pipeline's clients.
  Storage__BlobServiceUri: blobEndpoint
  Storage__QueueServiceUri: queueEndpoint
  Storage__InputContainer: inputContainerName
  Storage__OutputContainer: outputContainerName
  Storage__JobsContainer: jobsContainerName
  // src/Core PipelineOptions.
  Pipeline__DefaultModel: pipelineDefaultModel
  Pipeline__MaxChunksInFlight: string(maximumInstanceCount * slotsPerInstance)
  Whisper__Slots: string(slotsPerInstance)
  // src/Core UsageOptions: usage records beside the pipeline's containers, one append blob per instance and day.
  Usage__Container: usageContainerName
  // src/Core AudioOptions: the one temp folder (spilled uploads, downloaded pipeline inputs) on the instance's writable temp disk.
  Audio__TempDirectory: '/tmp/stt-temp'
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
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
    properties: union(baseSettings, keySettings, openAISettings)
  }
}

output name string = app.name
output id string = app.id
output uri string = 'https://${app.properties.defaultHostName}'
