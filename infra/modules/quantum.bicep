// Azure Quantum workspace with its own linked storage account (job input/output data).
//
// The linked account is separate from the app's storage on purpose: Microsoft's Bicep guide for Quantum
// workspaces gives the workspace's system-assigned identity Contributor on its linked storage, and
// Contributor on the app's host storage would let the workspace change that account's settings
// (including re-enabling shared keys). A separate account keeps that grant away from the app's data.

@description('Name of the Quantum workspace.')
@minLength(2)
@maxLength(54)
param name string

@description('Name of the workspace\'s linked storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Azure region; Azure Quantum is offered in eastus, westus, northeurope and westeurope.')
param location string

@description('Tags applied to both resources.')
param tags object

@description('Providers and plans (SKUs) added to the workspace. Paid plans may need their marketplace terms accepted first (az quantum offerings accept-terms).')
param providers array = [
  {
    providerId: 'ionq'
    providerSku: 'pay-as-you-go-cred'
  }
  {
    // Microsoft's free provider (Resource Estimator); the CLI adds it to every new workspace.
    providerId: 'microsoft-qc'
    providerSku: 'learn-and-develop'
  }
]

var contributorRoleId = 'b24988ac-6180-42a0-ab88-20f7382dd24c'
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource linkedStorage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageAccountName
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
    // Azure Quantum supports only linked storage accounts with public network access.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource workspace 'Microsoft.Quantum/workspaces@2025-12-15-preview' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    providers: providers
    storageAccount: linkedStorage.id
    // Workspace access keys off: the jobs API accepts only Entra ID tokens.
    apiKeyEnabled: false
  }
}

// Microsoft's documented requirement ("Manage quantum workspaces using Bicep"): the workspace identity
// is Contributor on its linked storage account so it can read and write job data.
resource workspaceStorageContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(linkedStorage.id, workspace.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributorRoleId))
  scope: linkedStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributorRoleId)
    principalId: workspace.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// The portal's workspace creation also gives the workspace Storage Blob Data Contributor on the linked
// account (see Azure Quantum "common issues": 'Forbidden' on first job). With shared keys disabled the
// workspace can only hand out user-delegation SAS URIs, which need this data-plane role.
resource workspaceStorageBlobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(linkedStorage.id, workspace.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId))
  scope: linkedStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: workspace.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

var regionalEndpoint = 'https://${location}.quantum.azure.com'
var reportedEndpoint = workspace.properties.?endpointUri ?? regionalEndpoint

output name string = workspace.name
output id string = workspace.id
output storageAccountId string = linkedStorage.id
output endpoint string = endsWith(reportedEndpoint, '/')
  ? take(reportedEndpoint, length(reportedEndpoint) - 1)
  : reportedEndpoint
