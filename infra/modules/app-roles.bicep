// Role assignments for ONE managed identity of the function app (main.bicep deploys this module once for
// each identity that identityMode enables). Every assignment is at resource scope (storage account,
// container, Web PubSub, Quantum workspace, Application Insights), never resource group or subscription.

@description('Object (principal) ID of the app\'s managed identity.')
param principalId string

@description('Name of the app\'s storage account (host storage and the app\'s containers).')
param storageAccountName string

@description('Container of the blob API (AZURE_STORAGE_CONTAINER).')
param appContainerName string

@description('Container of the probe history (PROBE_HISTORY_CONTAINER).')
param historyContainerName string

@description('Name of the Web PubSub resource.')
param webPubSubName string

@description('Name of the Quantum workspace.')
param quantumWorkspaceName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Also grant Contributor on the Quantum workspace (the documented job-submission grant before Quantum Workspace Data Contributor is enforced). Set false to keep only the data role.')
param grantQuantumContributor bool

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  webPubSubServiceOwner: '12cf5a90-567b-43ae-8102-96cf46c7d9b4'
  quantumWorkspaceDataContributor: 'c1410b24-3e69-4857-8f86-4d0a2e603250'
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName

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

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Functions host storage (AzureWebJobsStorage__*) and the Flex Consumption deployment container: the host
// creates and leases its own containers, so it needs Storage Blob Data Owner on the account, as in
// Microsoft's Flex Consumption quickstarts.
resource hostStorageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner))
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// The app's own data, scoped to exactly the two containers it uses. While they share the host storage
// account this is covered by the Owner grant above, but it is the grant the health report's remediation
// names, and it stays correct (and minimal) when the app's containers move to an account of their own.
resource appContainerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::appContainer.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor))
  scope: storage::blobService::appContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource historyContainerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::historyContainer.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor))
  scope: storage::blobService::historyContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Send messages and mint client access tokens (:generateToken) for negotiate.
resource webPubSubOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webPubSub.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.webPubSubServiceOwner))
  scope: webPubSub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.webPubSubServiceOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Submit, read, list and cancel jobs through the Quantum data plane.
resource quantumDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(quantumWorkspace.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.quantumWorkspaceDataContributor))
  scope: quantumWorkspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.quantumWorkspaceDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Contributor on the workspace only (never its resource group): the grant Microsoft has documented for
// submitting jobs. Drop it with grantQuantumContributor=false once the data role alone is enforced.
resource quantumContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantQuantumContributor) {
  name: guid(quantumWorkspace.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.contributor))
  scope: quantumWorkspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.contributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Entra ID-authenticated telemetry ingestion (Application Insights has local auth disabled).
resource monitoringPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher))
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
