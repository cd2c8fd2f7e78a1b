// identity-probe: Azure Functions (Flex Consumption, Node.js) that self-tests managed-identity access to
// Blob Storage, Azure Web PubSub and the Azure Quantum jobs API. azd layout: `azd up` provisions this
// template (subscription scope, one resource group) and deploys the app to the function app tagged
// azd-service-name=api. Local modules only, so it builds offline. See infra/README.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to name the resource group and derive unique resource names.')
param environmentName string

@minLength(1)
@description('Region of every resource. Limited to regions that offer both Azure Quantum and Flex Consumption.')
@allowed([
  'eastus'
  'westus'
  'northeurope'
  'westeurope'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Managed identities of the function app. SystemAssigned: the app runs as its system-assigned identity. UserAssigned: as the user-assigned identity (AZURE_CLIENT_ID). Both: runs as the user-assigned identity and also probes the system-assigned one (IDENTITY_PROBE_IDENTITIES=system); each enabled identity gets the same role set.')
@allowed([
  'SystemAssigned'
  'UserAssigned'
  'Both'
])
param identityMode string = 'UserAssigned'

@description('Object ID of the deployer (azd sets AZURE_PRINCIPAL_ID). Used only with grantDeployerRoles.')
param principalId string = ''

@description('Principal type of principalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Give the deployer (principalId) data-plane roles on the app\'s containers, Web PubSub and the Quantum workspace, so the CLI probe can run against this deployment from a workstation. Off by default: azd always sets AZURE_PRINCIPAL_ID, which is no request for access.')
param grantDeployerRoles bool = false

@description('Also give each app identity Contributor on the Quantum workspace (the grant Microsoft documented before Quantum Workspace Data Contributor). Off by default: the data role submits and reads jobs, while Contributor could delete the workspace, add paid providers or list API keys.')
param grantQuantumContributor bool = false

@description('Give each app identity Reader on the resource group, so it can list its resource group as `az group list` does and read role assignments to explain a 403. Reader grants no data action.')
param grantResourceGroupReader bool = true

@description('Quantum providers and plans of the workspace, as `az quantum workspace create -r` takes them: "provider/plan, provider/plan". The default is IonQ\'s pay-as-you-go plan, whose ionq.simulator (the app\'s default target) is free of charge. The preprovision hook accepts their marketplace terms.')
param quantumProviders string = 'ionq/pay-as-you-go-cred'

@description('Quantum data-plane api-version the app sends (AZURE_QUANTUM_API_VERSION); the default is the one Microsoft\'s Python SDK sends.')
param quantumApiVersion string = '2026-01-15-preview'

@description('Email addresses paged when a probe run fails or the probe stops running, comma-separated. Empty: no action group (the alert rules still exist).')
param alertEmails string = ''

@description('Minutes between two timer probe runs: the default schedule runs every this many minutes, and the "probe stopped" alert waits 3 of them.')
@allowed([
  5
  10
  15
])
param probeIntervalMinutes int = 5

@description('Extra token audiences the probe requests (IDENTITY_PROBE_AUDIENCES), comma-separated, e.g. https://vault.azure.net.')
param probeAudiences string = ''

@description('NCRONTAB (6 fields) schedule of the timer probe (IDENTITY_PROBE_SCHEDULE). Empty: every probeIntervalMinutes minutes. Keep probeIntervalMinutes equal to its period.')
param probeSchedule string = ''

@description('Deadline of one probe check in milliseconds (IDENTITY_PROBE_TIMEOUT_MS).')
@minValue(100)
@maxValue(60000)
param probeTimeoutMs int = 5000

@description('Node.js version of the Flex Consumption runtime.')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '22'

@description('Web PubSub pricing tier (Free_F1 is limited to one per subscription and region).')
@allowed([
  'Free_F1'
  'Standard_S1'
  'Premium_P1'
])
param webPubSubSku string = 'Free_F1'

@description('Name of the resource group to create; default rg-<environmentName>.')
param resourceGroupName string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-${resourceToken}'
// Flex Consumption deployment packages live in their own container of the app's storage account.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(uniqueString(functionAppName, resourceToken), 7)}'
var appContainerName = 'identity-probe'
var historyContainerName = 'probe-history'
var webPubSubHubName = 'identityprobe'
// Names are computed here (not taken from module outputs) so that the modules that reference these
// resources get deploy-time constants: What-If can then predict their role assignments exactly.
var hostStorageAccountName = 'st${resourceToken}'
var dataStorageAccountName = 'stdata${resourceToken}'
var webPubSubName = 'wps-${resourceToken}'
var quantumWorkspaceName = 'quantum-${resourceToken}'
var applicationInsightsName = 'appi-${resourceToken}'
var enableSystemAssigned = identityMode != 'UserAssigned'
var enableUserAssigned = identityMode != 'SystemAssigned'
var schedule = empty(probeSchedule) ? '0 */${probeIntervalMinutes} * * * *' : probeSchedule
// "ionq/pay-as-you-go-cred, rigetti/azure-basic-qvm-only-unlimited" → [{ providerId, providerSku }, …]
var quantumProviderList = map(
  filter(map(split(quantumProviders, ','), entry => trim(entry)), entry => !empty(entry)),
  entry => {
    providerId: trim(split(entry, '/')[0])
    providerSku: trim(last(split(entry, '/')))
  }
)
// ARM's endpoint of this cloud, without the trailing slash (the app's setting is documented without one).
var resourceManagerEndpoint = endsWith(environment().resourceManager, '/')
  ? take(environment().resourceManager, length(environment().resourceManager) - 1)
  : environment().resourceManager

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

// The Functions host's account: its own containers and the deployment package.
module hostStorage 'modules/storage.bicep' = {
  name: 'storage-host'
  scope: rg
  params: {
    name: hostStorageAccountName
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
    ]
  }
}

// The app's data, in an account of its own: the host's Storage Blob Data Owner never reaches it, and the app
// identity holds only container-scoped Storage Blob Data Contributor here.
module dataStorage 'modules/storage.bicep' = {
  name: 'storage-data'
  scope: rg
  params: {
    name: dataStorageAccountName
    location: location
    tags: tags
    containerNames: [
      appContainerName
      historyContainerName
    ]
  }
}

module webPubSub 'modules/webpubsub.bicep' = {
  name: 'webpubsub'
  scope: rg
  params: {
    name: webPubSubName
    location: location
    tags: tags
    hubName: webPubSubHubName
    skuName: webPubSubSku
  }
}

module quantum 'modules/quantum.bicep' = {
  name: 'quantum'
  scope: rg
  params: {
    name: quantumWorkspaceName
    storageAccountName: 'stq${resourceToken}'
    location: location
    tags: tags
    providers: quantumProviderList
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityMode: identityMode
    userAssignedIdentityId: identity.outputs.id
    userAssignedIdentityClientId: identity.outputs.clientId
    storageAccountName: hostStorageAccountName
    storageBlobEndpoint: hostStorage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: applicationInsightsName
    nodeVersion: nodeVersion
    maximumInstanceCount: 100
    instanceMemoryMB: 2048
    // DESIGN section 2. AZURE_CLIENT_ID, host storage and monitoring settings are added by the module,
    // because they follow from identityMode.
    appSettings: {
      // The app's own identity is always probed; Both mode adds the system-assigned identity.
      IDENTITY_PROBE_IDENTITIES: identityMode == 'Both' ? 'system' : ''
      IDENTITY_PROBE_AUDIENCES: probeAudiences
      IDENTITY_PROBE_SCHEDULE: schedule
      IDENTITY_PROBE_TIMEOUT_MS: string(probeTimeoutMs)
      AZURE_STORAGE_BLOB_ENDPOINT: dataStorage.outputs.blobEndpoint
      AZURE_STORAGE_CONTAINER: appContainerName
      PROBE_HISTORY_CONTAINER: historyContainerName
      AZURE_WEBPUBSUB_ENDPOINT: webPubSub.outputs.endpoint
      AZURE_WEBPUBSUB_HUB: webPubSub.outputs.hubName
      AZURE_QUANTUM_ENDPOINT: quantum.outputs.endpoint
      AZURE_QUANTUM_WORKSPACE_ID: quantum.outputs.id
      AZURE_QUANTUM_API_VERSION: quantumApiVersion
      AZURE_STORAGE_ACCOUNT_ID: dataStorage.outputs.id
      AZURE_WEBPUBSUB_ID: webPubSub.outputs.id
      // For arm:access (the identity lists its resource group, as `az group list` does) and permission checks.
      AZURE_SUBSCRIPTION_ID: subscription().subscriptionId
      AZURE_RESOURCE_GROUP: rg.name
      AZURE_RESOURCE_MANAGER_ENDPOINT: resourceManagerEndpoint
    }
  }
  // The module reads the Application Insights component and the host storage account by name (the connection
  // string never passes through a module output), so the dependencies are explicit.
  dependsOn: [
    monitoring
  ]
}

// One role set per enabled app identity. The identity the app runs as (the user-assigned one, unless
// identityMode is SystemAssigned) also runs the host; the system identity in Both mode is only probed.
module systemIdentityRoles 'modules/app-roles.bicep' = if (enableSystemAssigned) {
  name: 'roles-system-identity'
  scope: rg
  params: {
    principalId: functionApp.outputs.systemAssignedPrincipalId
    isAppRuntime: !enableUserAssigned
    hostStorageAccountName: hostStorageAccountName
    dataStorageAccountName: dataStorageAccountName
    appContainerName: appContainerName
    historyContainerName: historyContainerName
    webPubSubName: webPubSubName
    quantumWorkspaceName: quantumWorkspaceName
    applicationInsightsName: applicationInsightsName
    grantQuantumContributor: grantQuantumContributor
    grantResourceGroupReader: grantResourceGroupReader
  }
}

module userIdentityRoles 'modules/app-roles.bicep' = if (enableUserAssigned) {
  name: 'roles-user-identity'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    isAppRuntime: true
    hostStorageAccountName: hostStorageAccountName
    dataStorageAccountName: dataStorageAccountName
    appContainerName: appContainerName
    historyContainerName: historyContainerName
    webPubSubName: webPubSubName
    quantumWorkspaceName: quantumWorkspaceName
    applicationInsightsName: applicationInsightsName
    grantQuantumContributor: grantQuantumContributor
    grantResourceGroupReader: grantResourceGroupReader
  }
  dependsOn: [
    hostStorage
    dataStorage
    webPubSub
    quantum
    monitoring
  ]
}

module deployerRoles 'modules/deployer-roles.bicep' = if (grantDeployerRoles && !empty(principalId)) {
  name: 'roles-deployer'
  scope: rg
  params: {
    principalId: principalId
    principalType: principalType
    dataStorageAccountName: dataStorageAccountName
    appContainerName: appContainerName
    historyContainerName: historyContainerName
    webPubSubName: webPubSubName
    quantumWorkspaceName: quantumWorkspaceName
  }
  dependsOn: [
    dataStorage
    webPubSub
    quantum
  ]
}

// Page someone when the probe turns red (a run reports fail) or stops running (DESIGN section 5).
module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    location: location
    tags: tags
    alertEmails: alertEmails
    probeIntervalMinutes: probeIntervalMinutes
    dashboardUrl: '${functionApp.outputs.uri}/api/dashboard'
  }
}

// Outputs become the azd environment (.azure/<env>/.env): the same names as the app settings, so
// `azd env get-values` configures the CLI probe against this deployment. No secrets, no connection strings.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_IDENTITY_MODE string = identityMode
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_ID string = functionApp.outputs.id
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output AZURE_FUNCTION_APP_PRINCIPAL_ID string = functionApp.outputs.systemAssignedPrincipalId
output AZURE_USER_ASSIGNED_IDENTITY_ID string = identity.outputs.id
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_USER_ASSIGNED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_STORAGE_ACCOUNT_ID string = dataStorage.outputs.id
output AZURE_STORAGE_BLOB_ENDPOINT string = dataStorage.outputs.blobEndpoint
output AZURE_STORAGE_CONTAINER string = appContainerName
output PROBE_HISTORY_CONTAINER string = historyContainerName
output AZURE_HOST_STORAGE_ACCOUNT_ID string = hostStorage.outputs.id
output AZURE_WEBPUBSUB_ID string = webPubSub.outputs.id
output AZURE_WEBPUBSUB_ENDPOINT string = webPubSub.outputs.endpoint
output AZURE_WEBPUBSUB_HUB string = webPubSub.outputs.hubName
output AZURE_QUANTUM_WORKSPACE_ID string = quantum.outputs.id
output AZURE_QUANTUM_ENDPOINT string = quantum.outputs.endpoint
output AZURE_QUANTUM_API_VERSION string = quantumApiVersion
output AZURE_QUANTUM_STORAGE_ACCOUNT_ID string = quantum.outputs.storageAccountId
output APPLICATIONINSIGHTS_ID string = monitoring.outputs.applicationInsightsId
output AZURE_ALERT_PROBE_FAILED_ID string = alerts.outputs.probeFailedRuleId
output AZURE_ALERT_PROBE_STOPPED_ID string = alerts.outputs.probeStoppedRuleId
