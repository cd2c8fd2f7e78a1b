// A storage account with private blob containers. main.bicep deploys it twice: the Functions host's account
// (identity-based AzureWebJobsStorage and the Flex Consumption deployment container) and the app's data account
// (the blob API's container and the probe history), so that the host's Storage Blob Data Owner grant never
// reaches the app's data. Shared key (account key and account-SAS) authorization is disabled: every caller
// uses Entra ID.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Private blob containers to create.')
param containerNames string[]

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

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// primaryEndpoints.blob ends with '/'; the app's setting is documented without one.
var blobEndpointWithSlash = storage.properties.primaryEndpoints.blob

output name string = storage.name
output id string = storage.id
output blobEndpoint string = endsWith(blobEndpointWithSlash, '/')
  ? take(blobEndpointWithSlash, length(blobEndpointWithSlash) - 1)
  : blobEndpointWithSlash
