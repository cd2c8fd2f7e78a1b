// The app's storage account: Functions host storage (identity-based AzureWebJobsStorage), the Flex
// Consumption deployment package container, and the app's own containers (blob API and probe history).
// Shared key (account key and account-SAS) authorization is disabled: every caller uses Entra ID.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Container the blob API reads and writes (AZURE_STORAGE_CONTAINER).')
param appContainerName string

@description('Container the timer probe writes its reports to (PROBE_HISTORY_CONTAINER).')
param historyContainerName string

@description('Container Flex Consumption deploys the app package from (functionAppConfig.deployment.storage).')
param deploymentContainerName string

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource appContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: appContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource historyContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: historyContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// primaryEndpoints.blob ends with '/'; the app's setting is documented without one.
var blobEndpointWithSlash = storage.properties.primaryEndpoints.blob

output name string = storage.name
output id string = storage.id
output blobEndpoint string = endsWith(blobEndpointWithSlash, '/')
  ? take(blobEndpointWithSlash, length(blobEndpointWithSlash) - 1)
  : blobEndpointWithSlash
output appContainerName string = appContainer.name
output historyContainerName string = historyContainer.name
output deploymentContainerName string = deploymentContainer.name
