// The Event Grid subscription of file drops: BlobCreated events of the file integrations' containers
// (int-...) go to the file-drops Service Bus queue, delivered with the system topic's own identity
// (Azure Service Bus Data Sender on that queue, granted in servicebus.bicep before this runs).
// Event Grid schema: each message body is one event, the shape the fileDrop function validates.

@description('Name of the storage account\'s Event Grid system topic (storage.bicep).')
param systemTopicName string

@description('Resource id of the file-drops queue (servicebus.bicep).')
param fileDropsQueueId string

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  name: '${systemTopicName}/file-drops'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/int-'
      // A file is complete at these operations (an SFTP upload commits at SftpCommit, a Data Lake
      // write at FlushWithClose); earlier appends of the same file raise no event.
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.api'
          values: [
            'PutBlob'
            'PutBlockList'
            'CopyBlob'
            'FlushWithClose'
            'SftpCommit'
          ]
        }
      ]
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'ServiceBusQueue'
        properties: {
          resourceId: fileDropsQueueId
        }
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}
