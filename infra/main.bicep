// One environment of the speech-to-text service: a Flex Consumption function app (src/Functions) with its
// identity, storage (containers and queues of the blob pipeline), Event Grid delivery of new recordings,
// monitoring, and optionally an Azure OpenAI account whose deployments join the model catalog.
// Deploy with `azd up`, or `az deployment group create` (README, "Deployment").
targetScope = 'resourceGroup'

import { apiKey, openAIDeployment } from 'types.bicep'

@minLength(1)
@maxLength(40)
@description('Environment name: makes resource names unique and tags every resource (azd-env-name).')
param environmentName string

@description('Region of every resource except the Azure OpenAI account.')
param location string = resourceGroup().location

@minLength(64)
@maxLength(64)
@description('SHA-256 (64 hex digits) of the API key clients must send; compute it with src/Server\'s hash-key verb. The key is never stored.')
param apiKeySha256 string

@description('More API keys beyond the default one (for other teams or apps), each with its own id in usage records and optional limits.')
param extraApiKeys apiKey[] = []

@description('Memory per instance in MB. whisper.cpp needs 4096 for base-size models.')
@allowed([
  2048
  4096
])
param instanceMemoryMB int = 4096

@minValue(1)
@maxValue(1000)
@description('Most instances the platform may scale to (bounds cost and Azure OpenAI load).')
param maximumInstanceCount int = 20

@minValue(1)
@maxValue(16)
@description('Concurrent HTTP requests per instance; inference is CPU-bound, so keep it low.')
param httpPerInstanceConcurrency int = 2

@description('Create an Azure OpenAI account with the deployments below and add them to the model catalog.')
param deployOpenAI bool = false

@description('Region of the Azure OpenAI account: one offering the chosen models.')
param openAILocation string = location

@description('Azure OpenAI deployments to create and serve (see types.bicep openAIDeployment).')
param openAIDeployments openAIDeployment[] = [
  {
    id: 'whisper-azure'
    name: 'whisper'
    kind: 'whisper'
    model: 'whisper'
    version: '001'
    skuName: 'Standard'
    capacity: 3
  }
  {
    id: 'gpt-4o-transcribe'
    name: 'gpt-4o-transcribe'
    kind: 'gpt-4o-transcribe'
    model: 'gpt-4o-transcribe'
    version: '2025-03-20'
    skuName: 'GlobalStandard'
    capacity: 100
  }
  {
    id: 'gpt-4o-mini-transcribe'
    name: 'gpt-4o-mini-transcribe'
    kind: 'gpt-4o-mini-transcribe'
    model: 'gpt-4o-mini-transcribe'
    version: '2025-03-20'
    skuName: 'GlobalStandard'
    capacity: 100
  }
  {
    id: 'gpt-4o-transcribe-diarize'
    name: 'gpt-4o-transcribe-diarize'
    kind: 'gpt-4o-transcribe-diarize'
    model: 'gpt-4o-transcribe-diarize'
    version: '2025-10-15'
    skuName: 'GlobalStandard'
    capacity: 100
  }
]

@description('Model the blob pipeline uses when a recording names none (metadata or sidecar).')
param pipelineDefaultModel string = 'whisper-1'

@description('Subscribe the blob trigger to BlobCreated events. Needs the deployed code (its webhook key): azd sets it after the first deploy.')
param subscribeBlobEvents bool = false

@description('Object id of a user who may read and write the containers (e.g. to drop recordings with az storage blob upload --auth-mode login). Empty: none.')
param principalId string = ''

@description('Container where recordings are dropped (StorageOptions.InputContainer).')
param inputContainerName string = 'audio-in'

@description('Container where transcripts appear (StorageOptions.OutputContainer).')
param outputContainerName string = 'transcripts'

@description('Container of the jobs\' chunk audio, chunk results and failure records (StorageOptions.JobsContainer).')
param jobsContainerName string = 'stt-jobs'

@description('Container of the usage records: JSON lines in append blobs, one per day and instance (UsageOptions.Container).')
param usageContainerName string = 'usage'

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var identityName = 'id-stt-${resourceToken}'
var storageAccountName = 'ststt${resourceToken}'
var applicationInsightsName = 'appi-stt-${resourceToken}'
var functionAppName = 'func-stt-${resourceToken}'
var deploymentContainerName = 'deployment-package'
var systemTopicName = 'evgt-stt-${resourceToken}'

// Storage Blob Data Owner, Storage Queue Data Contributor, Storage Table Data Contributor: the host (keys, leases),
// the Event Grid-sourced blob trigger (receipts in blobs, poison messages in a queue), the Durable Task hub (its
// control and work-item queues, instance and history tables, large payloads and leases in blobs) and the pipeline's
// own blobs.
var appStorageRoles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]
// Storage Blob Data Contributor, Storage Queue Data Contributor: an operator dropping files and reading results.
var userStorageRoles = [
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
]

module identity 'core/security/user-assigned-identity.bicep' = {
  name: 'identity'
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containers: [
      deploymentContainerName
      inputContainerName
      outputContainerName
      jobsContainerName
      usageContainerName
    ]
    // The task hub and the blob trigger create their own queues and tables.
    queues: []
  }
}

// Names and resource ids known before deployment name the role assignments (what-if can then evaluate them).
var identityKey = resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', identityName)

module appStorageAccess 'core/security/storage-roles.bicep' = {
  name: 'app-storage-roles'
  dependsOn: [
    storage
  ]
  params: {
    storageAccountName: storageAccountName
    principalId: identity.outputs.principalId
    principalKey: identityKey
    roleDefinitionIds: appStorageRoles
  }
}

module userStorageAccess 'core/security/storage-roles.bicep' = if (!empty(principalId)) {
  name: 'user-storage-roles'
  dependsOn: [
    storage
  ]
  params: {
    storageAccountName: storageAccountName
    principalId: principalId
    principalKey: principalId
    principalType: 'User'
    roleDefinitionIds: userStorageRoles
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-stt-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module monitoringAccess 'core/security/monitoring-role.bicep' = {
  name: 'monitoring-role'
  dependsOn: [
    monitoring
  ]
  params: {
    applicationInsightsName: applicationInsightsName
    principalId: identity.outputs.principalId
    principalKey: identityKey
  }
}

module openAI 'core/ai/openai.bicep' = if (deployOpenAI) {
  name: 'openai'
  params: {
    name: 'oai-stt-${resourceToken}'
    location: openAILocation
    tags: tags
    deployments: openAIDeployments
    principalId: identity.outputs.principalId
    principalKey: identityKey
  }
}

module plan 'core/host/flex-consumption-plan.bicep' = {
  name: 'plan'
  params: {
    name: 'plan-stt-${resourceToken}'
    location: location
    tags: tags
  }
}

module functions 'app/functions.bicep' = {
  name: 'functions'
  dependsOn: [
    storage
    appStorageAccess
    monitoringAccess
  ]
  params: {
    name: functionAppName
    location: location
    tags: tags
    planId: plan.outputs.id
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    // The operator's key may read GET /v1/usage; the extra keys only what their entries say.
    apiKeys: concat([{ id: 'default', sha256: apiKeySha256, admin: true }], extraApiKeys)
    openAIEndpoint: openAI.?outputs.endpoint ?? ''
    openAIDeployments: deployOpenAI ? openAIDeployments : []
    pipelineDefaultModel: pipelineDefaultModel
    inputContainerName: inputContainerName
    outputContainerName: outputContainerName
    jobsContainerName: jobsContainerName
    usageContainerName: usageContainerName
  }
}

module systemTopic 'core/events/storage-system-topic.bicep' = {
  name: 'system-topic'
  dependsOn: [
    storage
  ]
  params: {
    name: systemTopicName
    location: location
    tags: tags
    storageAccountName: storageAccountName
  }
}

module blobSubscription 'app/blob-subscription.bicep' = if (subscribeBlobEvents) {
  name: 'blob-subscription'
  dependsOn: [
    systemTopic
    functions
  ]
  params: {
    systemTopicName: systemTopicName
    functionAppName: functionAppName
    inputContainerName: inputContainerName
  }
}

// No secrets: names, URLs and the containers to use.
output AZURE_LOCATION string = location
output AZURE_FUNCTION_APP_NAME string = functions.outputs.name
output STT_ENDPOINT string = '${functions.outputs.uri}/v1'
output STT_HEALTH_URL string = '${functions.outputs.uri}/health'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output STT_INPUT_CONTAINER string = inputContainerName
output STT_OUTPUT_CONTAINER string = outputContainerName
output STT_JOBS_CONTAINER string = jobsContainerName
output STT_USAGE_CONTAINER string = usageContainerName
output AZURE_OPENAI_ENDPOINT string = openAI.?outputs.endpoint ?? ''
output BLOB_EVENTS_SUBSCRIBED bool = subscribeBlobEvents
