// What main.bicep deploys for each identityMode, evaluated by the ARM engine (`bicep snapshot`, offline):
// the app's identity block, its settings, the deployment-storage identity, and the exact set of role
// assignments (who, which role, on which resource) — nothing missing and nothing broader than DESIGN
// section 5. Plus the hardening of every resource: no shared keys, no access keys, no local auth.
import { beforeAll, describe, expect, it } from "vitest";
import { bicepAvailability, requireBicep } from "../fixtures/bicep.js";
import {
  armGuid,
  objectAt,
  onlyResource,
  resourcesOfType,
  roleAssignmentScope,
  snapshotMain,
  testSubscriptionId,
  testTenantId,
  valueAt,
  type Json,
  type ParamValue,
  type PredictedResource,
  type Snapshot,
} from "./armSnapshot.js";

const { cli: foundCli, skip } = bicepAvailability();

const deployerId = "11111111-2222-4333-8444-555555555555";
const identityModes = ["SystemAssigned", "UserAssigned", "Both"] as const;
type IdentityMode = (typeof identityModes)[number];

const roleIds = {
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  webPubSubServiceOwner: "12cf5a90-567b-43ae-8102-96cf46c7d9b4",
  quantumWorkspaceDataContributor: "c1410b24-3e69-4857-8f86-4d0a2e603250",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
} as const;
type RoleName = keyof typeof roleIds;
const roleNameById = new Map<string, RoleName>(Object.entries(roleIds).map(([name, id]) => [id, name as RoleName]));

/** Every setting of DESIGN section 2 except AZURE_CLIENT_ID (present only when the app runs as the UAMI). */
const designSettings = [
  "IDENTITY_PROBE_IDENTITIES",
  "IDENTITY_PROBE_AUDIENCES",
  "IDENTITY_PROBE_SCHEDULE",
  "IDENTITY_PROBE_TIMEOUT_MS",
  "AZURE_STORAGE_BLOB_ENDPOINT",
  "AZURE_STORAGE_CONTAINER",
  "PROBE_HISTORY_CONTAINER",
  "AZURE_WEBPUBSUB_ENDPOINT",
  "AZURE_WEBPUBSUB_HUB",
  "AZURE_QUANTUM_ENDPOINT",
  "AZURE_QUANTUM_WORKSPACE_ID",
  "AZURE_STORAGE_ACCOUNT_ID",
  "AZURE_WEBPUBSUB_ID",
];
const hostSettings = [
  "AzureWebJobsStorage__accountName",
  "AzureWebJobsStorage__blobServiceUri",
  "AzureWebJobsStorage__credential",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
];

/** The resources of one deployment that role assignments point at, found by what they are. */
interface Landmarks {
  app: PredictedResource;
  uamiId: string;
  hostStorageId: string;
  appContainerId: string;
  historyContainerId: string;
  deploymentContainerName: string;
  webPubSubId: string;
  quantumWorkspaceId: string;
  quantumStorageId: string;
  appInsightsId: string;
  settings: Record<string, Json>;
}

function landmarks(snapshot: Snapshot): Landmarks {
  const app = onlyResource(snapshot, "Microsoft.Web/sites");
  const settings = objectAt(onlyResource(snapshot, "Microsoft.Web/sites/config", (r) => r.name.endsWith("/appsettings")).properties ?? null);
  const hostName = settings.AzureWebJobsStorage__accountName;
  const hostStorage = onlyResource(snapshot, "Microsoft.Storage/storageAccounts", (r) => r.name === hostName);
  const container = (name: string): string =>
    onlyResource(snapshot, "Microsoft.Storage/storageAccounts/blobServices/containers", (r) => r.id === `${hostStorage.id}/blobServices/default/containers/${name}`).id;
  const workspace = onlyResource(snapshot, "Microsoft.Quantum/workspaces");
  const quantumStorageId = valueAt(workspace.properties ?? null, "storageAccount");
  if (typeof quantumStorageId !== "string") throw new Error("Quantum workspace has no linked storage account");
  const deploymentUrl = valueAt(app.properties ?? null, "functionAppConfig", "deployment", "storage", "value");
  const deploymentContainerName = typeof deploymentUrl === "string" ? /'(app-package-[a-z0-9-]+)'\)\]$/.exec(deploymentUrl)?.[1] : undefined;
  if (!deploymentContainerName) throw new Error(`unexpected deployment storage value ${String(deploymentUrl)}`);
  return {
    app,
    uamiId: onlyResource(snapshot, "Microsoft.ManagedIdentity/userAssignedIdentities").id,
    hostStorageId: hostStorage.id,
    appContainerId: container("identity-probe"),
    historyContainerId: container("probe-history"),
    deploymentContainerName,
    webPubSubId: onlyResource(snapshot, "Microsoft.SignalRService/webPubSub").id,
    quantumWorkspaceId: workspace.id,
    quantumStorageId,
    appInsightsId: onlyResource(snapshot, "Microsoft.Insights/components").id,
    settings,
  };
}

type PrincipalKind = "app-system" | "app-user" | "deployer" | "quantum-workspace" | "unknown";

function principalKind(principalId: Json | undefined, marks: Landmarks): PrincipalKind {
  if (principalId === deployerId) return "deployer";
  if (typeof principalId !== "string") return "unknown";
  if (principalId === `[reference('${marks.uamiId}', '2023-01-31').principalId]`) return "app-user";
  if (principalId.startsWith(`[coalesce(tryGet(reference('${marks.app.id}', `) && principalId.includes(".identity, 'principalId')")) return "app-system";
  if (principalId.startsWith(`[reference('${marks.quantumWorkspaceId}', `) && principalId.endsWith(".identity.principalId]")) return "quantum-workspace";
  return "unknown";
}

function scopeLabel(scope: string, marks: Landmarks): string {
  const labels: Record<string, string> = {
    [marks.hostStorageId]: "host storage account",
    [marks.appContainerId]: "identity-probe container",
    [marks.historyContainerId]: "probe-history container",
    [marks.webPubSubId]: "Web PubSub",
    [marks.quantumWorkspaceId]: "Quantum workspace",
    [marks.quantumStorageId]: "Quantum linked storage",
    [marks.appInsightsId]: "Application Insights",
  };
  return labels[scope] ?? `UNEXPECTED SCOPE ${scope}`;
}

interface Grant {
  principal: PrincipalKind;
  role: RoleName | string;
  scope: string;
  resource: PredictedResource;
}

function grants(snapshot: Snapshot, marks: Landmarks): Grant[] {
  return resourcesOfType(snapshot, "Microsoft.Authorization/roleAssignments").map((resource) => {
    const roleDefinitionId = valueAt(resource.properties ?? null, "roleDefinitionId");
    const guid = typeof roleDefinitionId === "string" ? roleDefinitionId.split("/").pop() ?? "" : "";
    return {
      principal: principalKind(valueAt(resource.properties ?? null, "principalId"), marks),
      role: roleNameById.get(guid) ?? `UNEXPECTED ROLE ${guid}`,
      scope: scopeLabel(roleAssignmentScope(resource), marks),
      resource,
    };
  });
}

const describeGrant = (grant: Pick<Grant, "principal" | "role" | "scope">): string => `${grant.principal} | ${grant.role} | ${grant.scope}`;

function expectedGrants(mode: IdentityMode, options: { deployer: boolean; quantumContributor: boolean }): string[] {
  const appGrants = (principal: PrincipalKind): string[] =>
    [
      { role: "storageBlobDataOwner", scope: "host storage account" },
      { role: "storageBlobDataContributor", scope: "identity-probe container" },
      { role: "storageBlobDataContributor", scope: "probe-history container" },
      { role: "webPubSubServiceOwner", scope: "Web PubSub" },
      { role: "quantumWorkspaceDataContributor", scope: "Quantum workspace" },
      ...(options.quantumContributor ? [{ role: "contributor", scope: "Quantum workspace" }] : []),
      { role: "monitoringMetricsPublisher", scope: "Application Insights" },
    ].map((grant) => describeGrant({ principal, ...grant }));
  return [
    ...(mode !== "UserAssigned" ? appGrants("app-system") : []),
    ...(mode !== "SystemAssigned" ? appGrants("app-user") : []),
    ...(options.deployer
      ? [
          { role: "storageBlobDataContributor", scope: "identity-probe container" },
          { role: "storageBlobDataContributor", scope: "probe-history container" },
          { role: "webPubSubServiceOwner", scope: "Web PubSub" },
          { role: "quantumWorkspaceDataContributor", scope: "Quantum workspace" },
        ].map((grant) => describeGrant({ principal: "deployer", ...grant }))
      : []),
    // Microsoft's documented requirement for the workspace on its own linked storage (+ the portal's data role).
    describeGrant({ principal: "quantum-workspace", role: "contributor", scope: "Quantum linked storage" }),
    describeGrant({ principal: "quantum-workspace", role: "storageBlobDataContributor", scope: "Quantum linked storage" }),
  ].sort();
}

const baseParams = { environmentName: "probe-test", location: "westeurope" };

describe.skipIf(skip)("infra deployment per identityMode (bicep snapshot)", () => {
  const snapshots = new Map<string, Snapshot>();
  const snapshotOf = (key: string): Snapshot => {
    const snapshot = snapshots.get(key);
    if (!snapshot) throw new Error(`no snapshot ${key}`);
    return snapshot;
  };

  beforeAll(async () => {
    const cli = requireBicep(foundCli);
    const variants: Record<string, Record<string, ParamValue>> = {
      // Defaults exactly as azd would pass them for a developer.
      "UserAssigned+deployer": { ...baseParams, identityMode: "UserAssigned", principalId: deployerId },
      "SystemAssigned+deployer": { ...baseParams, identityMode: "SystemAssigned", principalId: deployerId },
      "Both+deployer": { ...baseParams, identityMode: "Both", principalId: deployerId },
      // No deployer, no Contributor on the workspace, and every probe setting overridden.
      "Both-minimal": {
        ...baseParams,
        identityMode: "Both",
        grantQuantumContributor: false,
        probeAudiences: "https://vault.azure.net",
        probeSchedule: "0 */1 * * * *",
        probeTimeoutMs: 2500,
        nodeVersion: "20",
      },
      "UserAssigned+pipeline": { ...baseParams, identityMode: "UserAssigned", principalId: deployerId, principalType: "ServicePrincipal" },
    };
    // One at a time: the machine is small and shared.
    for (const [key, params] of Object.entries(variants)) snapshots.set(key, await snapshotMain(cli, params));
  });

  it("evaluates without diagnostics", () => {
    for (const [key, snapshot] of snapshots) expect(snapshot.diagnostics, key).toEqual([]);
  });

  it.each(identityModes)("%s: the app's identity block enables exactly the identities of the mode", (mode) => {
    const marks = landmarks(snapshotOf(`${mode}+deployer`));
    const identity = marks.app.identity ?? {};
    expect(identity.type).toBe({ SystemAssigned: "SystemAssigned", UserAssigned: "UserAssigned", Both: "SystemAssigned, UserAssigned" }[mode]);
    const userAssigned = identity.userAssignedIdentities;
    if (mode === "SystemAssigned") expect(userAssigned ?? null).toBeNull();
    else expect(Object.keys(objectAt(userAssigned ?? null))).toEqual([marks.uamiId]);
  });

  it.each(identityModes)("%s: grants exactly the DESIGN section 5 roles to each enabled identity, at resource scope", (mode) => {
    const snapshot = snapshotOf(`${mode}+deployer`);
    const marks = landmarks(snapshot);
    const actual = grants(snapshot, marks).map(describeGrant).sort();
    expect(actual).toEqual(expectedGrants(mode, { deployer: true, quantumContributor: true }));
  });

  it("drops the workspace Contributor with grantQuantumContributor=false and the deployer roles without principalId", () => {
    const snapshot = snapshotOf("Both-minimal");
    const actual = grants(snapshot, landmarks(snapshot)).map(describeGrant).sort();
    expect(actual).toEqual(expectedGrants("Both", { deployer: false, quantumContributor: false }));
  });

  it("role assignments: ServicePrincipal for identities, the given type for the deployer, deterministic guid(scope, principal, role) names", () => {
    for (const key of ["UserAssigned+deployer", "SystemAssigned+deployer", "Both+deployer", "UserAssigned+pipeline"]) {
      const snapshot = snapshotOf(key);
      const marks = landmarks(snapshot);
      for (const grant of grants(snapshot, marks)) {
        const properties = grant.resource.properties ?? {};
        const where = `${key}: ${describeGrant(grant)}`;
        const expectedType = grant.principal === "deployer" ? (key === "UserAssigned+pipeline" ? "ServicePrincipal" : "User") : "ServicePrincipal";
        expect(properties.principalType, where).toBe(expectedType);
        const roleDefinitionId = properties.roleDefinitionId;
        expect(roleDefinitionId, where).toMatch(
          new RegExp(`^/subscriptions/${testSubscriptionId}/providers/Microsoft\\.Authorization/roleDefinitions/[0-9a-f-]{36}$`),
        );
        const scope = roleAssignmentScope(grant.resource);
        const principalId = String(properties.principalId);
        if (grant.principal === "quantum-workspace") {
          // Its principal ID does not exist before deployment; the workspace ID stands for it in the name.
          expect(grant.resource.name, where).toBe(armGuid(scope, marks.quantumWorkspaceId, String(roleDefinitionId)));
        } else if (principalId.startsWith("[")) {
          expect(grant.resource.name, where).toBe(`[guid('${scope}', ${principalId.slice(1, -1)}, '${String(roleDefinitionId)}')]`);
        } else {
          expect(grant.resource.name, where).toBe(armGuid(scope, principalId, String(roleDefinitionId)));
        }
      }
    }
  });

  it.each(identityModes)("%s: sets every DESIGN section 2 setting, identity-based host storage and Entra-only telemetry", (mode) => {
    const marks = landmarks(snapshotOf(`${mode}+deployer`));
    const settings = marks.settings;
    const usesUami = mode !== "SystemAssigned";
    const uamiClientId = `[reference('${marks.uamiId}', '2023-01-31').clientId]`;
    const expectedKeys = [...designSettings, ...hostSettings, ...(usesUami ? ["AZURE_CLIENT_ID", "AzureWebJobsStorage__clientId"] : [])];
    // Exactly these: no FUNCTIONS_WORKER_RUNTIME (Flex rejects it), no queue/table URIs, no connection string with a key.
    expect(Object.keys(settings).sort()).toEqual(expectedKeys.sort());

    expect(settings.AZURE_CLIENT_ID).toBe(usesUami ? uamiClientId : undefined);
    expect(settings.AzureWebJobsStorage__clientId).toBe(usesUami ? uamiClientId : undefined);
    expect(settings.IDENTITY_PROBE_IDENTITIES).toBe(mode === "Both" ? "system" : "");
    expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(
      usesUami ? `[format('Authorization=AAD;ClientId={0}', reference('${marks.uamiId}', '2023-01-31').clientId)]` : "Authorization=AAD",
    );
    expect(settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(`[reference('${marks.appInsightsId}', '2020-02-02').ConnectionString]`);
    expect(settings.AzureWebJobsStorage__credential).toBe("managedidentity");
    expect(settings.AzureWebJobsStorage__accountName).toBe(marks.hostStorageId.split("/").pop());

    expect(settings.IDENTITY_PROBE_AUDIENCES).toBe("");
    expect(settings.IDENTITY_PROBE_SCHEDULE).toBe("0 */5 * * * *");
    expect(settings.IDENTITY_PROBE_TIMEOUT_MS).toBe("5000");
    expect(settings.AZURE_STORAGE_CONTAINER).toBe("identity-probe");
    expect(settings.PROBE_HISTORY_CONTAINER).toBe("probe-history");
    expect(settings.AZURE_WEBPUBSUB_HUB).toBe("identityprobe");
    expect(settings.AZURE_STORAGE_ACCOUNT_ID).toBe(marks.hostStorageId);
    expect(settings.AZURE_WEBPUBSUB_ID).toBe(marks.webPubSubId);
    expect(settings.AZURE_QUANTUM_WORKSPACE_ID).toBe(marks.quantumWorkspaceId);
    expect(settings.AZURE_WEBPUBSUB_ENDPOINT).toBe(`[format('https://{0}', reference('${marks.webPubSubId}', '2024-03-01').hostName)]`);
    // The blob endpoint is the account's primaryEndpoints.blob with its trailing slash removed.
    const blobEndpoint = String(settings.AZURE_STORAGE_BLOB_ENDPOINT);
    expect(blobEndpoint).toMatch(/^\[if\(endsWith\(reference\('[^']+', '2024-01-01'\)\.primaryEndpoints\.blob, '\/'\), take\(/);
    expect(blobEndpoint).toContain(marks.hostStorageId);
    expect(settings.AzureWebJobsStorage__blobServiceUri).toBe(blobEndpoint);
    // Before deployment the workspace reports no endpointUri; the regional data-plane endpoint is the fallback.
    expect(settings.AZURE_QUANTUM_ENDPOINT).toBe("https://westeurope.quantum.azure.com");
  });

  it("passes the probe parameters through to the app settings", () => {
    const settings = landmarks(snapshotOf("Both-minimal")).settings;
    expect(settings.IDENTITY_PROBE_AUDIENCES).toBe("https://vault.azure.net");
    expect(settings.IDENTITY_PROBE_SCHEDULE).toBe("0 */1 * * * *");
    expect(settings.IDENTITY_PROBE_TIMEOUT_MS).toBe("2500");
  });

  it.each(identityModes)("%s: Flex Consumption app, deployed from its blob container with the app's identity", (mode) => {
    const snapshot = snapshotOf(`${mode}+deployer`);
    const marks = landmarks(snapshot);
    const app = marks.app;
    expect(app.kind).toBe("functionapp,linux");
    expect(app.tags?.["azd-service-name"]).toBe("api");
    const properties = app.properties ?? {};
    expect(properties.httpsOnly).toBe(true);
    expect(valueAt(properties, "siteConfig", "minTlsVersion")).toBe("1.2");
    expect(valueAt(properties, "siteConfig", "ftpsState")).toBe("Disabled");
    expect(valueAt(properties, "functionAppConfig", "runtime")).toEqual({ name: "node", version: "22" });
    expect(valueAt(properties, "functionAppConfig", "scaleAndConcurrency", "instanceMemoryMB")).toBe(2048);
    expect(valueAt(properties, "functionAppConfig", "deployment", "storage", "type")).toBe("blobContainer");
    expect(valueAt(properties, "functionAppConfig", "deployment", "storage", "authentication")).toEqual(
      mode === "SystemAssigned"
        ? { type: "SystemAssignedIdentity" }
        : { type: "UserAssignedIdentity", userAssignedIdentityResourceId: marks.uamiId },
    );
    onlyResource(
      snapshot,
      "Microsoft.Storage/storageAccounts/blobServices/containers",
      (r) => r.id === `${marks.hostStorageId}/blobServices/default/containers/${marks.deploymentContainerName}`,
    );

    const plan = onlyResource(snapshot, "Microsoft.Web/serverfarms");
    expect(valueAt(properties, "serverFarmId")).toBe(plan.id);
    expect(plan.sku).toEqual({ name: "FC1", tier: "FlexConsumption" });
    expect(valueAt(plan.properties ?? null, "reserved")).toBe(true);

    const publishing = resourcesOfType(snapshot, "Microsoft.Web/sites/basicPublishingCredentialsPolicies");
    expect(publishing.map((policy) => policy.name.split("/").pop()).sort()).toEqual(["ftp", "scm"]);
    for (const policy of publishing) expect(valueAt(policy.properties ?? null, "allow")).toBe(false);
  });

  it("the nodeVersion parameter selects the Flex runtime version", () => {
    expect(valueAt(landmarks(snapshotOf("Both-minimal")).app.properties ?? null, "functionAppConfig", "runtime", "version")).toBe("20");
  });

  it("no shared keys, access keys or local auth anywhere", () => {
    for (const [key, snapshot] of snapshots) {
      const accounts = resourcesOfType(snapshot, "Microsoft.Storage/storageAccounts");
      expect(accounts, key).toHaveLength(2);
      for (const account of accounts) {
        expect(account.properties, `${key}: ${account.name}`).toMatchObject({
          allowSharedKeyAccess: false,
          allowBlobPublicAccess: false,
          minimumTlsVersion: "TLS1_2",
          supportsHttpsTrafficOnly: true,
        });
      }
      for (const container of resourcesOfType(snapshot, "Microsoft.Storage/storageAccounts/blobServices/containers")) {
        expect(valueAt(container.properties ?? null, "publicAccess"), container.name).toBe("None");
      }
      expect(onlyResource(snapshot, "Microsoft.SignalRService/webPubSub").properties).toMatchObject({ disableLocalAuth: true, disableAadAuth: false });
      const hub = onlyResource(snapshot, "Microsoft.SignalRService/webPubSub/hubs");
      expect(hub.name.split("/").pop()).toBe("identityprobe");
      expect(valueAt(hub.properties ?? null, "anonymousConnectPolicy")).toBe("deny");
      expect(valueAt(onlyResource(snapshot, "Microsoft.Insights/components").properties ?? null, "DisableLocalAuth")).toBe(true);
      expect(valueAt(onlyResource(snapshot, "Microsoft.OperationalInsights/workspaces").properties ?? null, "features", "disableLocalAuth")).toBe(true);
      expect(valueAt(onlyResource(snapshot, "Microsoft.Quantum/workspaces").properties ?? null, "apiKeyEnabled")).toBe(false);
    }
  });

  it("the Quantum workspace has a system identity, its own linked storage and the ionq and Microsoft providers", () => {
    const snapshot = snapshotOf("UserAssigned+deployer");
    const marks = landmarks(snapshot);
    const workspace = onlyResource(snapshot, "Microsoft.Quantum/workspaces");
    expect(workspace.identity).toEqual({ type: "SystemAssigned" });
    expect(marks.quantumStorageId).not.toBe(marks.hostStorageId);
    onlyResource(snapshot, "Microsoft.Storage/storageAccounts", (r) => r.id === marks.quantumStorageId);
    expect(valueAt(workspace.properties ?? null, "providers")).toEqual([
      { providerId: "ionq", providerSku: "pay-as-you-go-cred" },
      { providerId: "microsoft-qc", providerSku: "learn-and-develop" },
    ]);
  });

  it("every resource is in the one resource group and region, tagged with the azd environment", () => {
    const snapshot = snapshotOf("Both+deployer");
    const group = onlyResource(snapshot, "Microsoft.Resources/resourceGroups");
    expect(group.name).toBe("rg-probe-test");
    for (const resource of snapshot.predictedResources) {
      if (resource.type === "Microsoft.Resources/resourceGroups") continue;
      const id = resource.id.startsWith("[extensionResourceId('") ? roleAssignmentScope(resource) : resource.id;
      expect(id.startsWith(`${group.id}/providers/`), resource.id).toBe(true);
      if (resource.location !== undefined) expect(resource.location, resource.id).toBe("westeurope");
      if (resource.tags !== undefined) expect(resource.tags["azd-env-name"], resource.id).toBe("probe-test");
    }
  });

  it("outputs the azd environment: the app's endpoints, IDs and identity IDs, and no secret", () => {
    const snapshot = snapshotOf("Both+deployer");
    const marks = landmarks(snapshot);
    const outputs = snapshot.outputs;
    expect(outputs.AZURE_LOCATION).toBe("westeurope");
    expect(outputs.AZURE_TENANT_ID).toBe(testTenantId);
    expect(outputs.AZURE_IDENTITY_MODE).toBe("Both");
    expect(outputs.AZURE_FUNCTION_APP_NAME).toBe(marks.app.name);
    expect(outputs.SERVICE_API_NAME).toBe(marks.app.name);
    expect(outputs.SERVICE_API_URI).toBe(`[format('https://{0}', reference('${marks.app.id}', '2024-04-01').defaultHostName)]`);
    expect(outputs.AZURE_USER_ASSIGNED_IDENTITY_ID).toBe(marks.uamiId);
    expect(outputs.AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID).toBe(marks.settings.AZURE_CLIENT_ID);
    for (const name of [
      "AZURE_STORAGE_BLOB_ENDPOINT",
      "AZURE_STORAGE_CONTAINER",
      "PROBE_HISTORY_CONTAINER",
      "AZURE_STORAGE_ACCOUNT_ID",
      "AZURE_WEBPUBSUB_ENDPOINT",
      "AZURE_WEBPUBSUB_HUB",
      "AZURE_WEBPUBSUB_ID",
      "AZURE_QUANTUM_ENDPOINT",
      "AZURE_QUANTUM_WORKSPACE_ID",
    ]) {
      expect(outputs[name], name).toEqual(marks.settings[name]);
    }
    for (const [name, value] of Object.entries(outputs)) {
      expect(JSON.stringify(value), name).not.toMatch(/ConnectionString|listKeys|InstrumentationKey/i);
    }
  });
});
