// The environment the app runs with on the local stack: the App Service managed identity protocol of the
// local identity endpoint, the emulators' endpoints (Resource Manager's among them, with the local
// subscription and resource group) and the ARM IDs the remediation hints name, the trust
// bundle, and `AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential` so DefaultAzureCredential tries managed
// identity only and never shells out to az/azd. Settings the developer already set are kept.
import { localResourceGroup, localSubscriptionId, localUserIdentity } from "../identity/localIdentities.js";
import { localStorageAccountId, localWebPubSubId } from "../rbac/localResources.js";

export const defaultIdentityProbeSchedule = "0 */5 * * * *";

export interface StackEndpoints {
  /** IDENTITY_ENDPOINT + IDENTITY_HEADER of the local identity endpoint; undefined when the environment names one. */
  readonly identity?: { readonly IDENTITY_ENDPOINT: string; readonly IDENTITY_HEADER: string };
  readonly blobEndpoint?: string;
  readonly webPubSubEndpoint?: string;
  readonly quantum?: { readonly endpoint: string; readonly workspaceId: string };
  /** The local ARM emulator: where arm:access and the RBAC explanations read. */
  readonly resourceManagerEndpoint?: string;
  readonly trustBundlePath: string;
}

// Other managed identity sources @azure/identity would otherwise pick before (or instead of) App Service.
const competingIdentitySettings = [
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "IMDS_ENDPOINT",
  "MSI_ENDPOINT",
  "MSI_SECRET",
  "IDENTITY_SERVER_THUMBPRINT",
  "IDENTITY_API_VERSION",
  "AZURE_FEDERATED_TOKEN_FILE",
];

export function stackEnvironment(base: NodeJS.ProcessEnv, endpoints: StackEndpoints): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...base };
  if (endpoints.identity) {
    for (const name of competingIdentitySettings) delete environment[name];
    Object.assign(environment, endpoints.identity);
  }
  environment.AZURE_TOKEN_CREDENTIALS = "ManagedIdentityCredential";
  if (endpoints.blobEndpoint) {
    environment.AZURE_STORAGE_BLOB_ENDPOINT = endpoints.blobEndpoint;
    environment.AZURE_STORAGE_ACCOUNT_ID ??= localStorageAccountId;
  }
  if (endpoints.webPubSubEndpoint) {
    environment.AZURE_WEBPUBSUB_ENDPOINT = endpoints.webPubSubEndpoint;
    environment.AZURE_WEBPUBSUB_ID ??= localWebPubSubId;
  }
  if (endpoints.quantum) {
    environment.AZURE_QUANTUM_ENDPOINT = endpoints.quantum.endpoint;
    environment.AZURE_QUANTUM_WORKSPACE_ID = endpoints.quantum.workspaceId;
  }
  if (endpoints.resourceManagerEndpoint) {
    environment.AZURE_RESOURCE_MANAGER_ENDPOINT = endpoints.resourceManagerEndpoint;
    environment.AZURE_SUBSCRIPTION_ID ??= localSubscriptionId;
    environment.AZURE_RESOURCE_GROUP ??= localResourceGroup;
  }
  // Probe both local identities; an identity endpoint the developer named may not know the local one.
  if (endpoints.identity) environment.IDENTITY_PROBE_IDENTITIES ??= `system,${localUserIdentity.clientId}`;
  environment.IDENTITY_PROBE_SCHEDULE ??= defaultIdentityProbeSchedule;
  environment.NODE_EXTRA_CA_CERTS = endpoints.trustBundlePath;
  return environment;
}
