// Azure Quantum workspace with its own linked storage account (job input/output data).
//
// The linked account is separate from the app's storage: the workspace's identity manages it (Storage Account
// Contributor), which must never reach the app's host storage or data.

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

@description('Providers and plans (SKUs) added to the workspace, as { providerId, providerSku }. Marketplace plans need their terms accepted first (the azd preprovision hook does it).')
param providers array

var storageAccountContributorRoleId = '17d1049b-9a84-46fb-8f53-869881c3d3ab'
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

// The two roles Microsoft's own workspace template gives the workspace identity on its linked storage
// (Azure/azure-cli-extensions src/quantum/azext_quantum/operations/templates/create-workspace-and-assign-role.json:
// storageAccountContributorRoleId 17d1049b-…, storageBlobDataContributorRoleId ba92f5b4-…), and the two that
// Azure Quantum's troubleshooting page says to assign when jobs fail with 'Forbidden' ("Assign the Storage
// Account Contributor and Storage Blob Data Contributor roles to your workspace on the storage account"). With
// shared keys disabled the workspace can only issue user-delegation SAS URIs, which need the data role. The
// older Bicep guide's Contributor would also let the workspace change the account's access control.
resource workspaceStorageAccountContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(linkedStorage.id, workspace.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageAccountContributorRoleId))
  scope: linkedStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageAccountContributorRoleId)
    principalId: workspace.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

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
