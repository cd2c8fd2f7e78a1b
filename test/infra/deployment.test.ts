// What main.bicep deploys for each identityMode, evaluated by the ARM engine (`bicep snapshot`, offline): the
// app's identity block, its settings, the deployment-storage identity, the exact set of role assignments (who,
// which role, on which resource) — nothing missing and nothing broader than DESIGN section 5 — the Quantum
// workspace, the alert rules, and the hardening of every resource: no shared keys, no access keys, no local auth.
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
  storageAccountContributor: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
  webPubSubServiceOwner: "12cf5a90-567b-43ae-8102-96cf46c7d9b4",
  quantumWorkspaceDataContributor: "c1410b24-3e69-4857-8f86-4d0a2e603250",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  owner: "8e3af657-a8ff-443c-a57c-2fe08c4dcb35",
  userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
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
  "AZURE_QUANTUM_API_VERSION",
  "AZURE_STORAGE_ACCOUNT_ID",
  "AZURE_WEBPUBSUB_ID",
  "AZURE_SUBSCRIPTION_ID",
  "AZURE_RESOURCE_GROUP",
  "AZURE_RESOURCE_MANAGER_ENDPOINT",
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
  resourceGroupId: string;
  uamiId: string;
  hostStorageId: string;
  dataStorageId: string;
  appContainerId: string;
  historyContainerId: string;
  deploymentContainerName: string;
  webPubSubId: string;
  quantumWorkspaceId: string;
  quantumStorageId: string;
  appInsightsId: string;
  logAnalyticsId: string;
  failedRule: PredictedResource;
  stoppedRule: PredictedResource;
  settings: Record<string, Json>;
}

function landmarks(snapshot: Snapshot): Landmarks {
  const app = onlyResource(snapshot, "Microsoft.Web/sites");
  const settings = objectAt(onlyResource(snapshot, "Microsoft.Web/sites/config", (r) => r.name.endsWith("/appsettings")).properties ?? null);
  const hostName = settings.AzureWebJobsStorage__accountName;
  const hostStorage = onlyResource(snapshot, "Microsoft.Storage/storageAccounts", (r) => r.name === hostName);
  const dataStorage = onlyResource(snapshot, "Microsoft.Storage/storageAccounts", (r) => r.id === settings.AZURE_STORAGE_ACCOUNT_ID);
  const container = (account: PredictedResource, name: string): string =>
    onlyResource(snapshot, "Microsoft.Storage/storageAccounts/blobServices/containers", (r) => r.id === `${account.id}/blobServices/default/containers/${name}`)
      .id;
  const workspace = onlyResource(snapshot, "Microsoft.Quantum/workspaces");
  const quantumStorageId = valueAt(workspace.properties ?? null, "storageAccount");
  if (typeof quantumStorageId !== "string") throw new Error("Quantum workspace has no linked storage account");
  const deploymentUrl = valueAt(app.properties ?? null, "functionAppConfig", "deployment", "storage", "value");
  const deploymentContainerName = typeof deploymentUrl === "string" ? /'(app-package-[a-z0-9-]+)'\)\]$/.exec(deploymentUrl)?.[1] : undefined;
  if (!deploymentContainerName) throw new Error(`unexpected deployment storage value ${String(deploymentUrl)}`);
  const rule = (kind: string) => onlyResource(snapshot, "Microsoft.Insights/scheduledQueryRules", (r) => r.name.includes(`-${kind}-`));
  return {
    app,
    resourceGroupId: onlyResource(snapshot, "Microsoft.Resources/resourceGroups").id,
    uamiId: onlyResource(snapshot, "Microsoft.ManagedIdentity/userAssignedIdentities").id,
    hostStorageId: hostStorage.id,
    dataStorageId: dataStorage.id,
    appContainerId: container(dataStorage, "identity-probe"),
    historyContainerId: container(dataStorage, "probe-history"),
    deploymentContainerName,
    webPubSubId: onlyResource(snapshot, "Microsoft.SignalRService/webPubSub").id,
    quantumWorkspaceId: workspace.id,
    quantumStorageId,
    appInsightsId: onlyResource(snapshot, "Microsoft.Insights/components").id,
    logAnalyticsId: onlyResource(snapshot, "Microsoft.OperationalInsights/workspaces").id,
    failedRule: rule("failed"),
    stoppedRule: rule("stopped"),
    settings,
  };
}

type PrincipalKind = "app-system" | "app-user" | "deployer" | "quantum-workspace" | "alert-failed" | "alert-stopped" | "unknown";

function principalKind(principalId: Json | undefined, marks: Landmarks): PrincipalKind {
  if (principalId === deployerId) return "deployer";
  if (typeof principalId !== "string") return "unknown";
  if (principalId === `[reference('${marks.uamiId}', '2023-01-31').principalId]`) return "app-user";
  if (principalId.startsWith(`[coalesce(tryGet(reference('${marks.app.id}', `) && principalId.includes(".identity, 'principalId')")) return "app-system";
  if (principalId.startsWith(`[reference('${marks.quantumWorkspaceId}', `) && principalId.endsWith(".identity.principalId]")) return "quantum-workspace";
  if (principalId === `[reference('${marks.failedRule.id}', '2023-12-01', 'full').identity.principalId]`) return "alert-failed";
  if (principalId === `[reference('${marks.stoppedRule.id}', '2023-12-01', 'full').identity.principalId]`) return "alert-stopped";
  return "unknown";
}

function scopeLabel(scope: string, marks: Landmarks): string {
  const labels: Record<string, string> = {
    [marks.resourceGroupId]: "resource group",
    [marks.hostStorageId]: "host storage account",
    [marks.dataStorageId]: "data storage account",
    [marks.appContainerId]: "identity-probe container",
    [marks.historyContainerId]: "probe-history container",
    [marks.webPubSubId]: "Web PubSub",
    [marks.quantumWorkspaceId]: "Quantum workspace",
    [marks.quantumStorageId]: "Quantum linked storage",
    [marks.appInsightsId]: "Application Insights",
    [marks.logAnalyticsId]: "Log Analytics",
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
    const guid = typeof roleDefinitionId === "string" ? (roleDefinitionId.split("/").pop() ?? "") : "";
    return {
      principal: principalKind(valueAt(resource.properties ?? null, "principalId"), marks),
      role: roleNameById.get(guid) ?? `UNEXPECTED ROLE ${guid}`,
      scope: scopeLabel(roleAssignmentScope(resource), marks),
      resource,
    };
  });
}

const describeGrant = (grant: Pick<Grant, "principal" | "role" | "scope">): string => `${grant.principal} | ${grant.role} | ${grant.scope}`;

interface GrantOptions {
  deployer: boolean;
  quantumContributor: boolean;
  resourceGroupReader: boolean;
}

/** infra/README.md's tables, as grants: who gets which role where, for one identityMode and set of switches. */
function expectedGrants(mode: IdentityMode, options: GrantOptions): string[] {
  const of = (principal: PrincipalKind, list: { role: RoleName; scope: string }[]) =>
    list.map((grant) => describeGrant({ principal, ...grant }));
  // What every app identity's access checks need, plus the two switches.
  const probed = [
    { role: "storageBlobDataContributor", scope: "identity-probe container" },
    { role: "webPubSubServiceOwner", scope: "Web PubSub" },
    { role: "quantumWorkspaceDataContributor", scope: "Quantum workspace" },
    ...(options.quantumContributor ? [{ role: "contributor", scope: "Quantum workspace" }] : []),
    ...(options.resourceGroupReader ? [{ role: "reader", scope: "resource group" }] : []),
  ] as { role: RoleName; scope: string }[];
  // What the identity the app runs as also needs: host storage, the history, telemetry.
  const runtime = [
    ...probed,
    { role: "storageBlobDataOwner", scope: "host storage account" },
    { role: "storageBlobDataContributor", scope: "probe-history container" },
    { role: "monitoringMetricsPublisher", scope: "Application Insights" },
  ] as { role: RoleName; scope: string }[];
  return [
    ...(mode === "SystemAssigned" ? of("app-system", runtime) : []),
    ...(mode === "Both" ? of("app-system", probed) : []),
    ...(mode !== "SystemAssigned" ? of("app-user", runtime) : []),
    ...(options.deployer
      ? of("deployer", [
          { role: "storageBlobDataContributor", scope: "identity-probe container" },
          { role: "storageBlobDataContributor", scope: "probe-history container" },
          { role: "webPubSubServiceOwner", scope: "Web PubSub" },
          { role: "quantumWorkspaceDataContributor", scope: "Quantum workspace" },
        ])
      : []),
    // Microsoft's workspace template: Storage Account Contributor + Storage Blob Data Contributor on the linked storage.
    ...of("quantum-workspace", [
      { role: "storageAccountContributor", scope: "Quantum linked storage" },
      { role: "storageBlobDataContributor", scope: "Quantum linked storage" },
    ]),
    // Each alert rule's own identity reads the component and its workspace.
    ...of("alert-failed", [
      { role: "reader", scope: "Application Insights" },
      { role: "reader", scope: "Log Analytics" },
    ]),
    ...of("alert-stopped", [
      { role: "reader", scope: "Application Insights" },
      { role: "reader", scope: "Log Analytics" },
    ]),
  ].sort();
}

const defaults: GrantOptions = { deployer: false, quantumContributor: false, resourceGroupReader: true };
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
      // Defaults exactly as azd passes them: it always sets AZURE_PRINCIPAL_ID.
      SystemAssigned: { ...baseParams, identityMode: "SystemAssigned", principalId: deployerId },
      UserAssigned: { ...baseParams, identityMode: "UserAssigned", principalId: deployerId },
      Both: { ...baseParams, identityMode: "Both", principalId: deployerId },
      // Every switch flipped and every probe setting overridden.
      "Both-switched": {
        ...baseParams,
        identityMode: "Both",
        principalId: deployerId,
        grantDeployerRoles: true,
        grantQuantumContributor: true,
        grantResourceGroupReader: false,
        quantumProviders: " ionq/pay-as-you-go-cred , rigetti/azure-basic-qvm-only-unlimited ",
        quantumApiVersion: "2026-08-01-preview",
        alertEmails: "oncall@example.com, second@example.com,",
        probeIntervalMinutes: 10,
        probeAudiences: "https://vault.azure.net",
        probeTimeoutMs: 2500,
        nodeVersion: "20",
      },
      "SystemAssigned-pipeline": {
        ...baseParams,
        identityMode: "SystemAssigned",
        principalId: deployerId,
        principalType: "ServicePrincipal",
        grantDeployerRoles: true,
        probeSchedule: "0 */1 * * * *",
      },
    };
    // One at a time: the machine is small and shared.
    for (const [key, params] of Object.entries(variants)) snapshots.set(key, await snapshotMain(cli, params));
  });

  it("evaluates without diagnostics", () => {
    for (const [key, snapshot] of snapshots) expect(snapshot.diagnostics, key).toEqual([]);
  });

  it.each(identityModes)("%s: the app's identity block enables exactly the identities of the mode", (mode) => {
    const marks = landmarks(snapshotOf(mode));
    const identity = marks.app.identity ?? {};
    expect(identity.type).toBe({ SystemAssigned: "SystemAssigned", UserAssigned: "UserAssigned", Both: "SystemAssigned, UserAssigned" }[mode]);
    const userAssigned = identity.userAssignedIdentities;
    if (mode === "SystemAssigned") expect(userAssigned ?? null).toBeNull();
    else expect(Object.keys(objectAt(userAssigned ?? null))).toEqual([marks.uamiId]);
  });

  it.each(identityModes)("%s, default parameters: grants exactly the roles of infra/README.md, each where it is needed", (mode) => {
    const snapshot = snapshotOf(mode);
    expect(grants(snapshot, landmarks(snapshot)).map(describeGrant).sort()).toEqual(expectedGrants(mode, defaults));
  });

  it.each(identityModes)("%s, default parameters: no app identity holds Contributor or Owner anywhere, nor the deployer any role", (mode) => {
    const snapshot = snapshotOf(mode);
    const all = grants(snapshot, landmarks(snapshot));
    const app = all.filter((grant) => grant.principal === "app-system" || grant.principal === "app-user");
    expect(app.length).toBeGreaterThan(0);
    for (const grant of app) expect(["contributor", "owner", "userAccessAdministrator"], describeGrant(grant)).not.toContain(grant.role);
    expect(all.filter((grant) => grant.principal === "deployer").map(describeGrant)).toEqual([]);
  });

  it("Both mode: the system identity, only probed, gets only the data roles of its access checks (and Reader on the group)", () => {
    const snapshot = snapshotOf("Both");
    const system = grants(snapshot, landmarks(snapshot)).filter((grant) => grant.principal === "app-system");
    expect(system.map((grant) => `${grant.role} | ${grant.scope}`).sort()).toEqual(
      [
        "quantumWorkspaceDataContributor | Quantum workspace",
        "reader | resource group",
        "storageBlobDataContributor | identity-probe container",
        "webPubSubServiceOwner | Web PubSub",
      ].sort(),
    );
  });

  it.each(identityModes)("%s: the Quantum workspace's identity holds no Contributor, only its template's two roles on its own storage", (mode) => {
    const snapshot = snapshotOf(mode);
    const workspace = grants(snapshot, landmarks(snapshot)).filter((grant) => grant.principal === "quantum-workspace");
    expect(workspace.map((grant) => `${grant.role} | ${grant.scope}`).sort()).toEqual([
      "storageAccountContributor | Quantum linked storage",
      "storageBlobDataContributor | Quantum linked storage",
    ]);
  });

  it.each(identityModes)("%s: app data lives in its own account, where app identities hold only container-scoped roles", (mode) => {
    const snapshot = snapshotOf(mode);
    const marks = landmarks(snapshot);
    expect(marks.dataStorageId).not.toBe(marks.hostStorageId);
    expect(marks.settings.AZURE_STORAGE_ACCOUNT_ID).toBe(marks.dataStorageId);
    expect(String(marks.settings.AZURE_STORAGE_BLOB_ENDPOINT)).toContain(`'${marks.dataStorageId}'`);
    expect(String(marks.settings.AzureWebJobsStorage__blobServiceUri)).toContain(`'${marks.hostStorageId}'`);
    // The host's account holds only the deployment package container; the app's containers are in the data account.
    const containers = resourcesOfType(snapshot, "Microsoft.Storage/storageAccounts/blobServices/containers").map((r) => r.id);
    expect(containers.filter((id) => id.startsWith(`${marks.hostStorageId}/`))).toEqual([
      `${marks.hostStorageId}/blobServices/default/containers/${marks.deploymentContainerName}`,
    ]);
    expect(containers.filter((id) => id.startsWith(`${marks.dataStorageId}/`)).sort()).toEqual([marks.appContainerId, marks.historyContainerId].sort());
    // Nothing is granted on the data account as a whole, and the host's Owner stays on the host's account.
    const all = grants(snapshot, marks);
    expect(all.filter((grant) => grant.scope === "data storage account").map(describeGrant)).toEqual([]);
    expect(all.filter((grant) => grant.role === "storageBlobDataOwner").map((grant) => grant.scope)).toEqual(
      all.filter((grant) => grant.role === "storageBlobDataOwner").map(() => "host storage account"),
    );
  });

  it("with every switch flipped: the deployer's data roles, Contributor on the workspace, and no Reader on the group", () => {
    const snapshot = snapshotOf("Both-switched");
    expect(grants(snapshot, landmarks(snapshot)).map(describeGrant).sort()).toEqual(
      expectedGrants("Both", { deployer: true, quantumContributor: true, resourceGroupReader: false }),
    );
  });

  it("role assignments: ServicePrincipal for identities, the given type for the deployer, deterministic guid(scope, principal, role) names", () => {
    for (const key of [...identityModes, "Both-switched", "SystemAssigned-pipeline"]) {
      const snapshot = snapshotOf(key);
      const marks = landmarks(snapshot);
      for (const grant of grants(snapshot, marks)) {
        const properties = grant.resource.properties ?? {};
        const where = `${key}: ${describeGrant(grant)}`;
        const expectedType = grant.principal === "deployer" ? (key === "SystemAssigned-pipeline" ? "ServicePrincipal" : "User") : "ServicePrincipal";
        expect(properties.principalType, where).toBe(expectedType);
        const roleDefinitionId = properties.roleDefinitionId;
        expect(roleDefinitionId, where).toMatch(
          new RegExp(`^/subscriptions/${testSubscriptionId}/providers/Microsoft\\.Authorization/roleDefinitions/[0-9a-f-]{36}$`),
        );
        const scope = roleAssignmentScope(grant.resource);
        const principalId = String(properties.principalId);
        // A principal that does not exist before deployment: its resource's ID stands for it in the name.
        const standIn = { "quantum-workspace": marks.quantumWorkspaceId, "alert-failed": marks.failedRule.id, "alert-stopped": marks.stoppedRule.id }[
          grant.principal as string
        ];
        if (standIn) expect(grant.resource.name, where).toBe(armGuid(scope, standIn, String(roleDefinitionId)));
        else if (principalId.startsWith("["))
          expect(grant.resource.name, where).toBe(`[guid('${scope}', ${principalId.slice(1, -1)}, '${String(roleDefinitionId)}')]`);
        else expect(grant.resource.name, where).toBe(armGuid(scope, principalId, String(roleDefinitionId)));
      }
    }
  });

  it.each(identityModes)("%s: sets every DESIGN section 2 setting, identity-based host storage and Entra-only telemetry", (mode) => {
    const marks = landmarks(snapshotOf(mode));
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
    expect(settings.AZURE_STORAGE_ACCOUNT_ID).toBe(marks.dataStorageId);
    expect(settings.AZURE_WEBPUBSUB_ID).toBe(marks.webPubSubId);
    expect(settings.AZURE_QUANTUM_WORKSPACE_ID).toBe(marks.quantumWorkspaceId);
    expect(settings.AZURE_QUANTUM_API_VERSION).toBe("2026-01-15-preview");
    expect(settings.AZURE_WEBPUBSUB_ENDPOINT).toBe(`[format('https://{0}', reference('${marks.webPubSubId}', '2024-03-01').hostName)]`);
    // The blob endpoints are the accounts' primaryEndpoints.blob with the trailing slash removed.
    for (const [setting, account] of [
      ["AZURE_STORAGE_BLOB_ENDPOINT", marks.dataStorageId],
      ["AzureWebJobsStorage__blobServiceUri", marks.hostStorageId],
    ] as const) {
      const endpoint = String(settings[setting]);
      expect(endpoint, setting).toMatch(/^\[if\(endsWith\(reference\('[^']+', '2024-01-01'\)\.primaryEndpoints\.blob, '\/'\), take\(/);
      expect(endpoint, setting).toContain(`reference('${account}', '2024-01-01')`);
    }
    // Before deployment the workspace reports no endpointUri; the regional data-plane endpoint is the fallback.
    expect(settings.AZURE_QUANTUM_ENDPOINT).toBe("https://westeurope.quantum.azure.com");
    // arm:access: the subscription and group of this deployment, and this cloud's ARM endpoint without its trailing slash.
    expect(settings.AZURE_SUBSCRIPTION_ID).toBe(testSubscriptionId);
    expect(settings.AZURE_RESOURCE_GROUP).toBe(marks.resourceGroupId.split("/").pop());
    expect(settings.AZURE_RESOURCE_MANAGER_ENDPOINT).toBe(
      "[if(endsWith(environment().resourceManager, '/'), take(environment().resourceManager, sub(length(environment().resourceManager), 1)), environment().resourceManager)]",
    );
  });

  it("passes the probe parameters through to the app settings", () => {
    const settings = landmarks(snapshotOf("Both-switched")).settings;
    expect(settings.IDENTITY_PROBE_AUDIENCES).toBe("https://vault.azure.net");
    expect(settings.IDENTITY_PROBE_SCHEDULE).toBe("0 */10 * * * *");
    expect(settings.IDENTITY_PROBE_TIMEOUT_MS).toBe("2500");
    expect(settings.AZURE_QUANTUM_API_VERSION).toBe("2026-08-01-preview");
    expect(landmarks(snapshotOf("SystemAssigned-pipeline")).settings.IDENTITY_PROBE_SCHEDULE).toBe("0 */1 * * * *");
  });

  it.each(identityModes)("%s: Flex Consumption app, deployed from its blob container with the app's identity", (mode) => {
    const snapshot = snapshotOf(mode);
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
    expect(String(valueAt(properties, "functionAppConfig", "deployment", "storage", "value"))).toContain(`reference('${marks.hostStorageId}'`);
    expect(valueAt(properties, "functionAppConfig", "deployment", "storage", "authentication")).toEqual(
      mode === "SystemAssigned"
        ? { type: "SystemAssignedIdentity" }
        : { type: "UserAssignedIdentity", userAssignedIdentityResourceId: marks.uamiId },
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
    expect(valueAt(landmarks(snapshotOf("Both-switched")).app.properties ?? null, "functionAppConfig", "runtime", "version")).toBe("20");
  });

  it("no shared keys, access keys or local auth anywhere", () => {
    for (const [key, snapshot] of snapshots) {
      const accounts = resourcesOfType(snapshot, "Microsoft.Storage/storageAccounts");
      expect(accounts, key).toHaveLength(3);
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

  it("the Quantum workspace has a system identity, its own linked storage and the providers of the quantumProviders parameter", () => {
    const snapshot = snapshotOf("UserAssigned");
    const marks = landmarks(snapshot);
    const workspace = onlyResource(snapshot, "Microsoft.Quantum/workspaces");
    expect(workspace.identity).toEqual({ type: "SystemAssigned" });
    expect(marks.quantumStorageId).not.toBe(marks.hostStorageId);
    expect(marks.quantumStorageId).not.toBe(marks.dataStorageId);
    onlyResource(snapshot, "Microsoft.Storage/storageAccounts", (r) => r.id === marks.quantumStorageId);
    // Default: IonQ's pay-as-you-go plan (ionq.simulator, the app's default target, is free of charge).
    expect(valueAt(workspace.properties ?? null, "providers")).toEqual([{ providerId: "ionq", providerSku: "pay-as-you-go-cred" }]);
    // The `az quantum workspace create -r` format, spaces and all.
    expect(valueAt(onlyResource(snapshotOf("Both-switched"), "Microsoft.Quantum/workspaces").properties ?? null, "providers")).toEqual([
      { providerId: "ionq", providerSku: "pay-as-you-go-cred" },
      { providerId: "rigetti", providerSku: "azure-basic-qvm-only-unlimited" },
    ]);
  });

  describe("alert rules", () => {
    const criterion = (rule: PredictedResource) => {
      const allOf = valueAt(rule.properties ?? null, "criteria", "allOf");
      if (!Array.isArray(allOf) || allOf.length !== 1) throw new Error(`${rule.name}: expected one condition`);
      return objectAt(allOf[0]);
    };
    const query = (rule: PredictedResource): string => {
      const text = criterion(rule).query;
      if (typeof text !== "string" || text.length === 0) throw new Error(`${rule.name}: no query`);
      return text;
    };

    it.each(identityModes)("%s: a 'probe failed' and a 'probe stopped' log alert on Application Insights, each with its own identity", (mode) => {
      const marks = landmarks(snapshotOf(mode));
      for (const rule of [marks.failedRule, marks.stoppedRule]) {
        expect(rule.kind, rule.name).toBe("LogAlert");
        expect(rule.identity, rule.name).toEqual({ type: "SystemAssigned" });
        expect(rule.location, rule.name).toBe("westeurope");
        expect(rule.properties, rule.name).toMatchObject({ enabled: true, autoMitigate: true, scopes: [marks.appInsightsId] });
      }
    });

    it("'probe failed': a run whose status is fail, counted every 5 minutes over 10, severity 1", () => {
      const rule = landmarks(snapshotOf("UserAssigned")).failedRule;
      expect(rule.properties).toMatchObject({ severity: 1, evaluationFrequency: "PT5M", windowSize: "PT10M" });
      expect(criterion(rule)).toMatchObject({
        timeAggregation: "Count",
        operator: "GreaterThan",
        threshold: 0,
        failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
      });
      expect(query(rule)).toMatch(/^traces\n/);
      expect(query(rule)).toContain('| where tostring(customDimensions.Category) == "Function.identityProbe.User"\n');
      expect(query(rule)).toContain('| where tostring(run.status) == "fail"\n');
    });

    it("'probe stopped': fewer than one run in 3 schedule intervals, severity 2", () => {
      const rule = landmarks(snapshotOf("UserAssigned")).stoppedRule;
      expect(rule.properties).toMatchObject({ severity: 2, evaluationFrequency: "PT5M", windowSize: "PT15M" });
      expect(criterion(rule)).toMatchObject({ timeAggregation: "Total", metricMeasureColumn: "runs", operator: "LessThan", threshold: 1 });
      expect(query(rule)).toMatch(/\n\| summarize runs = count\(\)$/);
      expect(query(rule)).not.toContain("run.status");
      // 3 intervals of the schedule: 30 minutes at probeIntervalMinutes = 10, with a schedule every 10 minutes.
      const switched = landmarks(snapshotOf("Both-switched"));
      expect(switched.stoppedRule.properties).toMatchObject({ windowSize: "PT30M" });
      expect(switched.settings.IDENTITY_PROBE_SCHEDULE).toBe("0 */10 * * * *");
    });

    it("both rules select the same runs: the 'stopped' query is the 'failed' query without the status filter", () => {
      const marks = landmarks(snapshotOf("UserAssigned"));
      const selection = (text: string) => text.split("\n").filter((line) => line === "traces" || line.startsWith("| where") || line.startsWith("| extend"));
      const stopped = selection(query(marks.stoppedRule));
      expect(stopped.length).toBeGreaterThanOrEqual(4);
      expect(selection(query(marks.failedRule)).filter((line) => !line.includes("run.status"))).toEqual(stopped);
    });

    it("no action group without alertEmails; with them, one that emails each address and that both rules notify", () => {
      const quiet = snapshotOf("UserAssigned");
      expect(resourcesOfType(quiet, "Microsoft.Insights/actionGroups")).toEqual([]);
      const quietMarks = landmarks(quiet);
      for (const rule of [quietMarks.failedRule, quietMarks.stoppedRule]) expect(valueAt(rule.properties ?? null, "actions", "actionGroups")).toEqual([]);

      const paged = snapshotOf("Both-switched");
      const group = onlyResource(paged, "Microsoft.Insights/actionGroups");
      expect(group.location).toBe("Global");
      expect(group.properties).toMatchObject({ enabled: true, groupShortName: "idprobe" });
      expect(String(valueAt(group.properties ?? null, "groupShortName")).length).toBeLessThanOrEqual(12);
      expect(valueAt(group.properties ?? null, "emailReceivers")).toEqual([
        { name: "email-0", emailAddress: "oncall@example.com", useCommonAlertSchema: true },
        { name: "email-1", emailAddress: "second@example.com", useCommonAlertSchema: true },
      ]);
      const marks = landmarks(paged);
      for (const rule of [marks.failedRule, marks.stoppedRule]) expect(valueAt(rule.properties ?? null, "actions", "actionGroups")).toEqual([group.id]);
    });

    it("each rule's description and custom properties link to the dashboard, without a key", () => {
      const marks = landmarks(snapshotOf("UserAssigned"));
      const dashboard = `format('{0}/api/dashboard', format('https://{0}', reference('${marks.app.id}', '2024-04-01').defaultHostName))`;
      for (const rule of [marks.failedRule, marks.stoppedRule]) {
        expect(String(valueAt(rule.properties ?? null, "description")), rule.name).toContain(dashboard);
        expect(String(valueAt(rule.properties ?? null, "description")), rule.name).toContain("?code=<function key>");
        expect(valueAt(rule.properties ?? null, "actions", "customProperties"), rule.name).toEqual({ dashboard: `[${dashboard}]` });
      }
    });
  });

  it("every resource is in the one resource group and region, tagged with the azd environment", () => {
    const snapshot = snapshotOf("Both-switched");
    const group = onlyResource(snapshot, "Microsoft.Resources/resourceGroups");
    expect(group.name).toBe("rg-probe-test");
    for (const resource of snapshot.predictedResources) {
      if (resource.type === "Microsoft.Resources/resourceGroups") continue;
      const id = resource.type === "Microsoft.Authorization/roleAssignments" ? `${roleAssignmentScope(resource)}/` : resource.id;
      expect(id.startsWith(`${group.id}/`), resource.id).toBe(true);
      if (resource.location !== undefined && resource.type !== "Microsoft.Insights/actionGroups") expect(resource.location, resource.id).toBe("westeurope");
      if (resource.tags !== undefined) expect(resource.tags["azd-env-name"], resource.id).toBe("probe-test");
    }
  });

  it("outputs the azd environment: the app's endpoints, IDs and identity IDs, and no secret", () => {
    const snapshot = snapshotOf("Both");
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
    expect(outputs.AZURE_HOST_STORAGE_ACCOUNT_ID).toBe(marks.hostStorageId);
    expect(outputs.AZURE_ALERT_PROBE_FAILED_ID).toBe(marks.failedRule.id);
    expect(outputs.AZURE_ALERT_PROBE_STOPPED_ID).toBe(marks.stoppedRule.id);
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
      "AZURE_QUANTUM_API_VERSION",
    ]) {
      expect(outputs[name], name).toEqual(marks.settings[name]);
    }
    for (const [name, value] of Object.entries(outputs)) {
      expect(JSON.stringify(value), name).not.toMatch(/ConnectionString|listKeys|InstrumentationKey/i);
    }
  });
});
