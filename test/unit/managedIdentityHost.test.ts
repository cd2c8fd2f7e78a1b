import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { describeManagedIdentityHost, type ManagedIdentityHost } from "../../src/identity/managedIdentityHost.js";

const clientId = "5e0c1d00-0000-4000-8000-00000000a002";

/** The host as msal-node's source (given, as getManagedIdentitySource() would name it) and the environment make it. */
function hostFor(source: string, env: Record<string, string>): ManagedIdentityHost {
  const config = loadConfig(env);
  return describeManagedIdentityHost(config.managedIdentity, config.appClientId, source);
}

describe("where the raw identity-endpoint check asks, for each source msal-node selects", () => {
  it.each([
    [
      "App Service / Functions / Container Apps",
      "AppService",
      { IDENTITY_ENDPOINT: "http://127.0.0.1:41741/msi/token", IDENTITY_HEADER: "h" },
      { protocol: "AppService", url: "http://127.0.0.1:41741/msi/token", header: "h" },
    ],
    [
      "a VM: plain IMDS, with the connect deadline",
      "DefaultToImds",
      {},
      { protocol: "IMDS", url: "http://169.254.169.254/metadata/identity/oauth2/token", isLinkLocal: true },
    ],
    [
      "IMDS through AZURE_POD_IDENTITY_AUTHORITY_HOST",
      "DefaultToImds",
      { AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9/" },
      { protocol: "IMDS", url: "http://127.0.0.1:9/metadata/identity/oauth2/token", isLinkLocal: false },
    ],
    [
      "an Azure ML compute instance",
      "MachineLearning",
      { MSI_ENDPOINT: "http://127.0.0.1:46809/MSI/token", MSI_SECRET: "s", DEFAULT_IDENTITY_CLIENT_ID: clientId },
      { protocol: "MachineLearning", url: "http://127.0.0.1:46809/MSI/token", secret: "s", defaultClientId: clientId },
    ],
    [
      "Cloud Shell",
      "CloudShell",
      { MSI_ENDPOINT: "http://localhost:50342/oauth2/token" },
      { protocol: "CloudShell", url: "http://localhost:50342/oauth2/token" },
    ],
  ])("%s", (_name, source, env: Record<string, string>, target) => {
    const host = hostFor(source, env);
    expect(host).toEqual({ source, isWorkloadIdentity: false, endpoint: { isChecked: true, target } });
  });

  it.each([
    [
      "Azure Arc",
      "AzureArc",
      { IDENTITY_ENDPOINT: "http://localhost:40342/metadata/identity/oauth2/token", IMDS_ENDPOINT: "http://localhost:40342" },
      /Azure Arc/,
    ],
    [
      "Service Fabric",
      "ServiceFabric",
      { IDENTITY_ENDPOINT: "https://localhost:2377/metadata/identity/oauth2/token", IDENTITY_HEADER: "h", IDENTITY_SERVER_THUMBPRINT: "t" },
      /IDENTITY_SERVER_THUMBPRINT/,
    ],
  ])("names %s and says why it is not called", (_name, source, env: Record<string, string>, reason) => {
    const host = hostFor(source, env);
    expect(host.source).toBe(source);
    expect(host.endpoint.isChecked).toBe(false);
    if (!host.endpoint.isChecked) expect(host.endpoint.reason).toMatch(reason);
  });

  it("reports workload identity as such: a federated token, no endpoint", () => {
    const host = hostFor("DefaultToImds", {
      AZURE_CLIENT_ID: clientId,
      AZURE_TENANT_ID: "72f988bf-0000-4000-8000-1d0ca1ba1000",
      AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token",
    });
    expect(host.isWorkloadIdentity).toBe(true);
    expect(host.endpoint).toMatchObject({
      isChecked: false,
      componentId: "workload-identity",
      reason: expect.stringContaining("AZURE_FEDERATED_TOKEN_FILE"),
    });
  });
});
