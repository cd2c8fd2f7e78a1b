// Role assignments for ONE managed identity of the function app (main.bicep deploys this module once for each
// identity that identityMode enables). Every data role is at resource scope (storage account, container, Web
// PubSub, Quantum workspace, Application Insights); the only wider grant is Reader on the resource group, which
// grants no data action. infra/README.md gives the reason and source of each grant.
//
// The identity the app runs as (`isAppRuntime`) also runs the Functions host: it gets host storage, the probe
// history and telemetry ingestion. An identity that is only probed (the system-assigned one in Both mode) gets
// exactly the data roles its access checks need, and nothing the host uses.

@description('Object (principal) ID of the app\'s managed identity.')
param principalId string

@description('Whether the app runs as this identity (host storage, deployment package, history, telemetry), or only probes it.')
param isAppRuntime bool

@description('Name of the Functions host\'s storage account (AzureWebJobsStorage and the deployment container).')
param hostStorageAccountName string

@description('Name of the app\'s data storage account (blob API and probe history containers).')
param dataStorageAccountName string

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

@description('Also grant Contributor on the Quantum workspace (the grant Microsoft documented before the data role existed). Off by default: Quantum Workspace Data Contributor submits and reads jobs.')
param grantQuantumContributor bool

@description('Grant Reader on the resource group: lets the identity list its resource group as `az group list` does and read role assignments.')
param grantResourceGroupReader bool

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  webPubSubServiceOwner: '12cf5a90-567b-43ae-8102-96cf46c7d9b4'
  quantumWorkspaceDataContributor: 'c1410b24-3e69-4857-8f86-4d0a2e603250'
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: hostStorageAccountName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
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

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Functions host storage (AzureWebJobsStorage__*) and the Flex Consumption deployment container: the host
// creates and leases its own containers, so it needs Storage Blob Data Owner on its account, as in Microsoft's
// Flex Consumption quickstarts. That account holds no app data.
resource hostStorageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (isAppRuntime) {
  name: guid(hostStorage.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner))
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// The blob API's container: what the storage access check reads (container properties) and the blob API writes.
resource appContainerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage::blobService::appContainer.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor))
  scope: dataStorage::blobService::appContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// The probe history: written by the timer and read by the history route, both as the app's own identity.
resource historyContainerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (isAppRuntime) {
  name: guid(dataStorage::blobService::historyContainer.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor))
  scope: dataStorage::blobService::historyContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Send messages and mint client access tokens (:generateToken) for negotiate: the Web PubSub access check.
resource webPubSubOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webPubSub.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.webPubSubServiceOwner))
  scope: webPubSub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.webPubSubServiceOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Submit, read, list and cancel jobs through the Quantum data plane: the Quantum access check lists jobs.
resource quantumDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(quantumWorkspace.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.quantumWorkspaceDataContributor))
  scope: quantumWorkspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.quantumWorkspaceDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Contributor on the workspace only (never its resource group), and only when asked for: it carries `*`
// actions (delete the workspace, add paid providers, enable and list API keys) that job submission never needs.
resource quantumContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantQuantumContributor) {
  name: guid(quantumWorkspace.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.contributor))
  scope: quantumWorkspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.contributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Entra ID-authenticated telemetry ingestion (Application Insights has local auth disabled): the host sends it
// as the identity the app runs as.
resource monitoringPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (isAppRuntime) {
  name: guid(applicationInsights.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher))
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Reader on the app's resource group: `GET /subscriptions/{id}/resourcegroups` lists it (seed 004's `az group
// list` check), and role assignments at and below it can be read to explain a 403. Reader has no data actions.
resource resourceGroupReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantResourceGroupReader) {
  name: guid(resourceGroup().id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.reader))
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.reader)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
