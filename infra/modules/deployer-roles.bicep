// Data-plane roles for the person (or pipeline) running `azd up`, so the CLI probe and the blob, Web PubSub
// and Quantum commands can be run against the deployment from a workstation. Deployed only when asked for
// (grantDeployerRoles): azd always sets AZURE_PRINCIPAL_ID, so its presence is no request. Only data roles,
// only at resource scope, only on the app's data; no host storage, no Contributor.

@description('Object ID of the deployer (azd passes AZURE_PRINCIPAL_ID).')
param principalId string

@description('Principal type of the deployer.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string

@description('Name of the app\'s data storage account.')
param dataStorageAccountName string

@description('Container of the blob API.')
param appContainerName string

@description('Container of the probe history.')
param historyContainerName string

@description('Name of the Web PubSub resource.')
param webPubSubName string

@description('Name of the Quantum workspace.')
param quantumWorkspaceName string

var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  webPubSubServiceOwner: '12cf5a90-567b-43ae-8102-96cf46c7d9b4'
  quantumWorkspaceDataContributor: 'c1410b24-3e69-4857-8f86-4d0a2e603250'
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: dataStorageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource appContainer 'containers' existing = {
      name: appContainerName
    }

    resource historyContainer 'containers' existing = {
      name: historyContainerName
    }
  }
}

resource webPubSub 'Microsoft.SignalRService/webPubSub@2024-03-01' existing = {
  name: webPubSubName
}

resource quantumWorkspace 'Microsoft.Quantum/workspaces@2025-12-15-preview' existing = {
  name: quantumWorkspaceName
}

resource appContainerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::appContainer.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor))
  scope: storage::blobService::appContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: principalType
  }
}

resource historyContainerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::historyContainer.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor))
  scope: storage::blobService::historyContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: principalType
  }
}

resource webPubSubOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webPubSub.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.webPubSubServiceOwner))
  scope: webPubSub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.webPubSubServiceOwner)
    principalId: principalId
    principalType: principalType
  }
}

resource quantumDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(quantumWorkspace.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.quantumWorkspaceDataContributor))
  scope: quantumWorkspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.quantumWorkspaceDataContributor)
    principalId: principalId
    principalType: principalType
  }
}
