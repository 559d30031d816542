// The Event Grid system topic of a storage account: the source of BlobCreated events for the blob trigger.
import { tagSet } from '../../types.bicep'

@description('System topic name.')
param name string

@description('Region of the topic (the storage account\'s).')
param location string

@description('Tags applied to the topic.')
param tags tagSet = {}

@description('Storage account name whose events the topic publishes.')
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
