// Delivers BlobCreated events of the input container to the function app's blob extension webhook, which
// runs the Event Grid-sourced blob trigger (TranscribeNewRecording), which schedules the recording's job. The webhook needs the host's blobs_extension system key,
// which exists only once the code is deployed: main.bicep adds this module on the run after the first deploy.
@description('Event Grid system topic of the storage account.')
param systemTopicName string

@description('Function app name.')
param functionAppName string

@description('Name of the blob-triggered function (src/Functions NewRecordingFunction).')
param functionName string = 'TranscribeNewRecording'

@description('Container whose new blobs start jobs.')
param inputContainerName string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource app 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

var blobsExtensionKey = listKeys('${app.id}/host/default', '2025-03-01').systemKeys.blobs_extension

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'audio-in-to-${functionName}'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${inputContainerName}/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output name string = subscription.name
