// Flex Consumption (FC1, Linux) plan and the function app, with identity-based connections only:
// host storage, deployment package storage and Application Insights ingestion all use the app's managed
// identity; no connection string with a key is ever set.

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags applied to the plan; the app also gets azd-service-name.')
param tags object

@description('azd service name (azure.yaml services.<name>) used to tag the app for azd deploy.')
param serviceName string

@description('Which managed identities the app has. UserAssigned/Both: the app runs as the user-assigned identity (AZURE_CLIENT_ID); Both also enables the system-assigned identity and probes it.')
@allowed([
  'SystemAssigned'
  'UserAssigned'
  'Both'
])
param identityMode string

@description('Resource ID of the user-assigned identity.')
param userAssignedIdentityId string

@description('Client ID of the user-assigned identity.')
param userAssignedIdentityClientId string

@description('Name of the Functions host\'s storage account (AzureWebJobsStorage and the deployment container).')
param storageAccountName string

@description('Blob endpoint of the app\'s storage account, without trailing slash.')
param storageBlobEndpoint string

@description('Container holding the deployment package.')
param deploymentContainerName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Node.js version of the Flex Consumption runtime.')
@allowed([
  '20'
  '22'
])
param nodeVersion string

@description('Maximum number of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Application settings specific to this app (DESIGN section 2), merged over the identity and host settings.')
param appSettings object

var useUserAssigned = identityMode != 'SystemAssigned'
var useSystemAssigned = identityMode != 'UserAssigned'

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// Identity-based host storage. Flex Consumption needs only the blob service here (host locks, timer
// schedule state, keys, deployment package): the app has no queue- or table-triggered functions and no
// Durable Functions, so no queue/table service URI is set and no queue/table data role is granted.
var hostStorageSettings = union(
  {
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
  },
  useUserAssigned ? { AzureWebJobsStorage__clientId: userAssignedIdentityClientId } : {}
)

// The connection string identifies the component; with local auth disabled it cannot authorize
// ingestion by itself (Microsoft: not a secret). Ingestion is authorized by an Entra token of the
// identity named in the authentication string.
var monitoringSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: useUserAssigned
    ? 'Authorization=AAD;ClientId=${userAssignedIdentityClientId}'
    : 'Authorization=AAD'
}

// AZURE_CLIENT_ID is the standard @azure/identity variable: set only when the app runs as the
// user-assigned identity; unset means the system-assigned identity.
var identitySettings = useUserAssigned ? { AZURE_CLIENT_ID: userAssignedIdentityClientId } : {}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: identityMode == 'Both'
      ? 'SystemAssigned, UserAssigned'
      : (identityMode == 'UserAssigned' ? 'UserAssigned' : 'SystemAssigned')
    userAssignedIdentities: useUserAssigned ? { '${userAssignedIdentityId}': {} } : null
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}/${deploymentContainerName}'
          authentication: useUserAssigned
            ? {
                type: 'UserAssignedIdentity'
                userAssignedIdentityResourceId: userAssignedIdentityId
              }
            : {
                type: 'SystemAssignedIdentity'
              }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// Application settings as their own resource: one object, replaced as a whole on every deployment.
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not set: Flex Consumption takes them
// from functionAppConfig.runtime and rejects them as app settings.
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(appSettings, hostStorageSettings, monitoringSettings, identitySettings)
}

// No FTP and no SCM basic-auth publishing credentials: azd deploys with Entra ID.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output id string = app.id
output uri string = 'https://${app.properties.defaultHostName}'
output systemAssignedPrincipalId string = useSystemAssigned ? app.identity.?principalId ?? '' : ''
