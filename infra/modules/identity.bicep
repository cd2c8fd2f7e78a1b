// The user-assigned managed identity the function app can run as (identityMode UserAssigned or Both).
// It is created in every mode so that switching modes never changes its client ID; it holds no role
// unless identityMode enables it (see main.bicep).

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
