// Where this process gets managed identity tokens, as msal-node decides it, and where the raw
// identity:endpoint check therefore asks. msal-node picks one source per process from the environment
// (ManagedIdentityApplication.getManagedIdentitySource(): ServiceFabric → AppService → MachineLearning →
// CloudShell → AzureArc → DefaultToImds; identity-endpoints.md §4, identity-sdk.md §2) and keeps it for the
// life of the process; the raw check follows the same choice, with the protocol of each source:
// - AppService (App Service, Functions, Container Apps): GET IDENTITY_ENDPOINT, api-version 2019-08-01,
//   X-IDENTITY-HEADER, client_id (AS-doc "Using the REST protocol");
// - DefaultToImds: GET 169.254.169.254/metadata/identity/oauth2/token (or AZURE_POD_IDENTITY_AUTHORITY_HOST),
//   api-version 2018-02-01, Metadata: true, client_id (VM-token-doc); on the plain address only with a short
//   connect deadline, as @azure/identity's own IMDS probe does (1 s), so that a machine that is no Azure VM
//   says so in a second;
// - MachineLearning: GET MSI_ENDPOINT, api-version 2017-09-01, `secret` header, `clientid` — for the
//   system-assigned identity DEFAULT_IDENTITY_CLIENT_ID, which "is always set in an Azure Machine Learning
//   source" (msal-node MachineLearning.ts; §3);
// - CloudShell: POST MSI_ENDPOINT with `resource` in a form body and Metadata: true (msal-node CloudShell.ts).
// Azure Arc and Service Fabric are named but not called (see `unchecked`), and workload identity — where
// @azure/identity exchanges a federated token with Entra ID instead of calling any endpoint — is said as such.
import { ManagedIdentityApplication } from "@azure/msal-node";
import type { ManagedIdentityEnvironment } from "../config.js";

/** The ways the raw check can ask an identity endpoint for a token. */
export type IdentityEndpointTarget =
  | { readonly protocol: "AppService"; readonly url: string; readonly header: string }
  | { readonly protocol: "IMDS"; readonly url: string; readonly isLinkLocal: boolean }
  | { readonly protocol: "MachineLearning"; readonly url: string; readonly secret: string; readonly defaultClientId: string | undefined }
  | { readonly protocol: "CloudShell"; readonly url: string };

export interface ManagedIdentityHost {
  /** The source exactly as msal-node names it: AppService, DefaultToImds, MachineLearning, CloudShell, AzureArc, ServiceFabric. */
  readonly source: string;
  /** Whether @azure/identity exchanges a federated token for the app's tokens (workload identity) instead. */
  readonly isWorkloadIdentity: boolean;
  /** Where the raw identity:endpoint check asks, or why it does not. */
  readonly endpoint:
    | { readonly isChecked: true; readonly target: IdentityEndpointTarget }
    | { readonly isChecked: false; readonly componentId: string; readonly reason: string };
}

/** msal-node's source for this process: decided once from the environment, then kept (static in msal-node). */
export function msalManagedIdentitySource(): string {
  return new ManagedIdentityApplication({}).getManagedIdentitySource();
}

const imdsTokenPath = "/metadata/identity/oauth2/token";
/** msal-node's IMDS address (Imds.ts) and Azure Arc's default (AzureArc.ts, Arc-doc). */
const imdsAddress = "http://169.254.169.254";

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * What the host is, from the environment and msal-node's verdict. `appClientId` is the app's user-assigned
 * identity, if any: @azure/identity uses token exchange when it (or AZURE_CLIENT_ID), AZURE_TENANT_ID and
 * AZURE_FEDERATED_TOKEN_FILE are all set (tokenExchangeMsi.isAvailable).
 */
export function describeManagedIdentityHost(
  env: ManagedIdentityEnvironment,
  appClientId: string | undefined,
  source: string = msalManagedIdentitySource(),
): ManagedIdentityHost {
  const isWorkloadIdentity = Boolean(env.federatedTokenFile && env.tenantId && appClientId);
  const unchecked = (componentId: string, reason: string): ManagedIdentityHost["endpoint"] => ({ isChecked: false, componentId, reason });
  let endpoint: ManagedIdentityHost["endpoint"];
  if (isWorkloadIdentity) {
    endpoint = unchecked(
      "workload-identity",
      "workload identity: @azure/identity exchanges the federated token in AZURE_FEDERATED_TOKEN_FILE with Microsoft Entra ID for each token; " +
        "there is no managed identity endpoint to call",
    );
  } else if (source === "AppService" && env.identityEndpoint && env.identityHeader) {
    endpoint = { isChecked: true, target: { protocol: "AppService", url: env.identityEndpoint, header: env.identityHeader } };
  } else if (source === "MachineLearning" && env.msiEndpoint && env.msiSecret) {
    endpoint = {
      isChecked: true,
      target: { protocol: "MachineLearning", url: env.msiEndpoint, secret: env.msiSecret, defaultClientId: env.defaultIdentityClientId },
    };
  } else if (source === "CloudShell" && env.msiEndpoint) {
    endpoint = { isChecked: true, target: { protocol: "CloudShell", url: env.msiEndpoint } };
  } else if (source === "AzureArc") {
    endpoint = unchecked(
      env.identityEndpoint ? originOf(env.identityEndpoint) : "http://127.0.0.1:40342",
      "Azure Arc: the agent answers with a challenge naming a key file that only root and the himds group may read (Arc-doc); " +
        "the token checks, through msal-node, answer it",
    );
  } else if (source === "ServiceFabric") {
    endpoint = unchecked(
      env.identityEndpoint ? originOf(env.identityEndpoint) : "service-fabric",
      "Service Fabric: its token endpoint presents a certificate that only IDENTITY_SERVER_THUMBPRINT vouches for, and identity-probe " +
        "does not turn TLS verification off; the token checks, through msal-node, call it",
    );
  } else {
    const host = env.podIdentityAuthorityHost ? withoutTrailingSlash(env.podIdentityAuthorityHost) : imdsAddress;
    endpoint = {
      isChecked: true,
      target: { protocol: "IMDS", url: `${host}${imdsTokenPath}`, isLinkLocal: !env.podIdentityAuthorityHost },
    };
  }
  return { source, isWorkloadIdentity, endpoint };
}

function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "identity-endpoint";
  }
}
