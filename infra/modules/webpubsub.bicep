// Azure Web PubSub with access keys disabled (disableLocalAuth): the app authenticates with its managed
// identity and mints client access URLs through :generateToken, never with an access key.

@description('Name of the Web PubSub resource.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the resource.')
param tags object

@description('Hub the app publishes to (AZURE_WEBPUBSUB_HUB).')
param hubName string

@description('Pricing tier. Free_F1 supports Entra ID auth; use Standard_S1 for production traffic.')
@allowed([
  'Free_F1'
  'Standard_S1'
  'Premium_P1'
])
param skuName string = 'Free_F1'

resource webPubSub 'Microsoft.SignalRService/webPubSub@2024-03-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
    tls: {
      clientCertEnabled: false
    }
  }
}

resource hub 'Microsoft.SignalRService/webPubSub/hubs@2024-03-01' = {
  parent: webPubSub
  name: hubName
  properties: {
    // Clients connect only with a token the app mints (negotiate); no anonymous connections.
    anonymousConnectPolicy: 'deny'
    eventHandlers: []
  }
}

output name string = webPubSub.name
output id string = webPubSub.id
output endpoint string = 'https://${webPubSub.properties.hostName}'
output hubName string = hub.name
