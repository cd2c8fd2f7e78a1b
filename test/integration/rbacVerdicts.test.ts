// Issue 12 over the wire: the app's report, built in-process, against the local identity endpoint, Azurite
// behind its RBAC front and the local Resource Manager, all reading one role table that the tests change.
// Each forbidden access check is explained from ARM's own answers (no role, control-plane roles only, a data
// role that the service still refuses, ARM unreadable); arm:access proves the resource group is readable as
// `az group list` would; rbac:privilege flags grants the checks do not need and never the template's own.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { ManagedIdentityCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import {
  localResourceGroup,
  localSubscriptionId,
  localSystemIdentity,
  localUnprivilegedIdentity,
} from "../../local/identity/localIdentities.js";
import { roleByName } from "../../local/rbac/builtInRoles.js";
import {
  defaultRoleAssignments,
  localQuantumWorkspaceName,
  localResourceGroupScope,
  localStorageAccountId,
  localSubscriptionScope,
  quantumWorkspaceId,
} from "../../local/rbac/localResources.js";
import { createRoleTable, type RoleAssignment, type RoleTable } from "../../local/rbac/roleTable.js";
import type { StorageFront } from "../../local/storage/storageFront.js";
import { loadConfig } from "../../src/config.js";
import { createAppServices } from "../../src/composition.js";
import { resourceDefinitions } from "../../src/resources/resourceDefinitions.js";
import type { CheckEntry, HealthReport } from "../../src/shared/healthReport.js";
import {
  startTestArmEmulator,
  startTestAzurite,
  startTestIdentityEndpoint,
  issueTestCertificate,
  startTestStorageFront,
  useIdentityEnvironment,
  type TestArmEmulator,
  type TestAzurite,
} from "../fixtures/localServices.js";

const listBlobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
const container = "rbac-verdicts";

describe("RBAC verdicts and Resource Manager access, from one role table", () => {
  let identity: IdentityEndpoint;
  let azurite: TestAzurite;
  let front: StorageFront;
  let arm: TestArmEmulator;
  let roles: RoleTable;
  let restore: () => void;
  let granted: RoleAssignment[] = [];

  const grant = (roleName: string, scope: string, principalId = localUnprivilegedIdentity.objectId, table = roles): RoleAssignment => {
    const role = roleByName(roleName);
    if (!role) throw new Error(roleName);
    const assignment = table.assign({ scope, roleDefinitionId: role.id, principalId });
    granted.push(assignment);
    return assignment;
  };

  const settings = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
    ...identity.environment("AppService"),
    AZURE_STORAGE_BLOB_ENDPOINT: front.blobEndpoint,
    AZURE_STORAGE_ACCOUNT_ID: localStorageAccountId,
    AZURE_STORAGE_CONTAINER: container,
    AZURE_RESOURCE_MANAGER_ENDPOINT: arm.endpoint,
    IDENTITY_PROBE_IDENTITIES: localUnprivilegedIdentity.clientId,
    IDENTITY_PROBE_TIMEOUT_MS: "10000",
    ...extra,
  });
  const report = async (extra: Record<string, string | undefined> = {}): Promise<HealthReport> => {
    const services = createAppServices(loadConfig(settings(extra), "0.0.0", resourceDefinitions), resourceDefinitions);
    return services.identityHealth.getReport({ includeIdentityEndpoint: true });
  };
  const entryOf = (result: HealthReport, key: string, who = "user-assigned-2"): CheckEntry | undefined =>
    result.checks[key]?.find((entry) => entry.identity === who);

  beforeAll(async () => {
    identity = await startTestIdentityEndpoint();
    azurite = await startTestAzurite();
    roles = createRoleTable({ initial: defaultRoleAssignments() });
    front = await startTestStorageFront(identity, azurite, { roles });
    arm = await startTestArmEmulator(identity, { roles });
    restore = useIdentityEnvironment(identity, "AppService");
    await new BlobServiceClient(front.blobEndpoint, new ManagedIdentityCredential()).getContainerClient(container).createIfNotExists();
  });
  afterAll(async () => {
    restore?.();
    await arm?.close();
    await front?.close();
    await azurite?.close();
    await identity?.close();
  });
  beforeEach(() => {
    for (const assignment of granted) roles.remove(assignment.scope, assignment.name);
    granted = [];
    front.setFirewall("open");
  });

  describe("arm:access", () => {
    it("passes for an identity with Reader on its resource group, listing it as az group list does", async () => {
      const result = await report();
      expect(result.checks["arm:access"]?.[0]).toMatchObject({
        status: "pass",
        componentId: `${arm.endpoint}/subscriptions/${localSubscriptionId}/resourceGroups/${localResourceGroup}`,
      });
    });

    it("is forbidden for an identity without Reader, with a fix that names Reader on the resource group", async () => {
      const entry = entryOf(await report(), "arm:access");
      expect(entry).toMatchObject({ status: "warn", errorCategory: "forbidden", output: "403 AuthorizationFailed" });
      expect(entry?.remediation).toContain("'Reader'");
      expect(entry?.remediation).toContain(localUnprivilegedIdentity.objectId);
      expect(entry?.remediation).toContain(`--scope ${localResourceGroupScope}`);
    });

    it("is skipped when neither the subscription nor the resource group can be known", async () => {
      const result = await report({ AZURE_STORAGE_ACCOUNT_ID: undefined });
      expect(result.checks["arm:access"]?.[0]).toMatchObject({ status: "skipped", output: "AZURE_SUBSCRIPTION_ID is not set" });
      expect(result.checks["arm:token"]?.[0]?.status).toBe("pass");
      expect(result.checks["rbac:privilege"]?.[0]).toMatchObject({ status: "skipped" });
    });

    it("takes AZURE_SUBSCRIPTION_ID and AZURE_RESOURCE_GROUP over the derived ones", async () => {
      const result = await report({ AZURE_RESOURCE_GROUP: "not-the-apps-group" });
      const entry = result.checks["arm:access"]?.[0];
      expect(entry).toMatchObject({ status: "warn", errorCategory: "forbidden", output: "403 ResourceGroupNotListed" });
      expect(entry?.remediation).toContain("AZURE_RESOURCE_GROUP");
    });
  });

  describe("explaining a forbidden storage check", () => {
    it("no-role: nothing applies at the account", async () => {
      const entry = entryOf(await report(), "storage:access");
      expect(entry).toMatchObject({ status: "fail", errorCategory: "forbidden" });
      // ARM refuses even to list its permissions (permissions/read, which any reading role grants).
      expect(entry?.rbac).toMatchObject({ verdict: "no-role", requiredDataActions: [listBlobs] });
      expect(entry?.rbac?.unreadable).toContain("403 AuthorizationFailed");
      expect(entry?.note).toContain("rbac no-role");
    });

    it("control-plane-only: Reader on the resource group, named, with the data action it lacks", async () => {
      grant("Reader", localResourceGroupScope);
      const entry = entryOf(await report(), "storage:access");
      expect(entry).toMatchObject({ status: "fail", errorCategory: "forbidden" });
      expect(entry?.rbac).toMatchObject({
        verdict: "control-plane-only",
        requiredDataActions: [listBlobs],
        roles: [{ name: "Reader", scope: localResourceGroupScope, grantsRequired: false }],
      });
      expect(entry?.note).toContain(`'Reader' at ${localResourceGroupScope}`);
      expect(entry?.note).toContain(listBlobs);
      expect(entry?.remediation).toContain("'Storage Blob Data Contributor'");
    });

    it("data-role-present behind a firewall: the role is there, and the network refuses", async () => {
      grant("Reader", localResourceGroupScope);
      grant("Storage Blob Data Contributor", localStorageAccountId);
      front.setFirewall("closed");
      const entry = entryOf(await report(), "storage:access");
      expect(entry).toMatchObject({ status: "fail", errorCategory: "network", output: "403 AuthorizationFailure" });
      expect(entry?.rbac).toMatchObject({ verdict: "data-role-present" });
      expect(entry?.rbac?.roles).toContainEqual(expect.objectContaining({ name: "Storage Blob Data Contributor", grantsRequired: true }));
      expect(entry?.remediation).toContain("network rules refuse this caller");
    });

    it("data-role-present and young: a role assigned moments ago, that the data plane does not see yet, reads warn", async () => {
      // A table whose data planes take 60 s, as LOCAL_RBAC_PROPAGATION_S=60 makes the stack's.
      const slow = createRoleTable({ initial: defaultRoleAssignments(), propagationDelayMs: 60_000 });
      const slowFront = await startTestStorageFront(identity, azurite, { roles: slow });
      const slowArm = await startTestArmEmulator(identity, { roles: slow });
      try {
        grant("Reader", localResourceGroupScope, undefined, slow);
        const assignment = grant("Storage Blob Data Contributor", localStorageAccountId, undefined, slow);
        const result = await report({ AZURE_STORAGE_BLOB_ENDPOINT: slowFront.blobEndpoint, AZURE_RESOURCE_MANAGER_ENDPOINT: slowArm.endpoint });
        const entry = entryOf(result, "storage:access");
        expect(entry).toMatchObject({ status: "warn", errorCategory: "forbidden" });
        expect(entry?.rbac).toMatchObject({ verdict: "data-role-present" });
        expect(Date.parse(entry?.rbac?.assignedOn ?? "")).toBe(assignment.createdOn.getTime());
        expect(entry?.note).toContain("likely still reaching the data plane");
        expect(entry?.remediation).toMatch(/^Wait: the role assignment is \d+ s old/);
      } finally {
        await slowArm.close();
        await slowFront.close();
      }
    });

    it("permissions-unreadable: ARM does not answer, and the usual fix stands", async () => {
      const entry = entryOf(await report({ AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:9" }), "storage:access");
      expect(entry).toMatchObject({ errorCategory: "forbidden" });
      expect(entry?.rbac).toMatchObject({ verdict: "permissions-unreadable" });
      expect(entry?.note).toContain("rbac permissions-unreadable");
      expect(entry?.remediation).toContain("'Storage Blob Data Contributor'");
    });

    it("leaves passing checks and the summary alone", async () => {
      const result = await report();
      expect(result.checks["storage:access"]?.[0]?.status).toBe("pass");
      expect(result.checks["storage:access"]?.[0]?.rbac).toBeUndefined();
    });
  });

  describe("rbac:privilege", () => {
    it("passes for what the template grants (data roles at their resources, Reader on the group, its opt-in Contributor on the workspace)", async () => {
      grant("Contributor", quantumWorkspaceId(localQuantumWorkspaceName), localSystemIdentity.objectId);
      const result = await report();
      expect(result.checks["rbac:privilege"]?.[0]).toMatchObject({ identity: "system", status: "pass", componentId: localResourceGroupScope });
    });

    it("warns about Owner at the subscription and a data role at subscription scope, naming each grant to remove", async () => {
      const owner = grant("Owner", localSubscriptionScope);
      const dataAtSubscription = grant("Storage Blob Data Reader", localSubscriptionScope);
      const entry = entryOf(await report(), "rbac:privilege");
      expect(entry?.status).toBe("warn");
      expect(entry?.note).toContain(`remove 'Owner' at ${localSubscriptionScope}`);
      expect(entry?.note).toContain(`az role assignment delete --ids ${localSubscriptionScope}/providers/Microsoft.Authorization/roleAssignments/${owner.name}`);
      expect(entry?.note).toContain(`remove 'Storage Blob Data Reader' at ${localSubscriptionScope}`);
      expect(entry?.note).toContain(dataAtSubscription.name);
    });

    it("warns about Contributor's '*' actions on the resource group", async () => {
      grant("Contributor", localResourceGroupScope);
      const entry = entryOf(await report(), "rbac:privilege");
      expect(entry?.status).toBe("warn");
      expect(entry?.note).toContain("remove 'Contributor'");
      expect(entry?.note).toContain("'*'");
    });

    it("is skipped when the identity may not read its role assignments, and never in the summary", async () => {
      const services = createAppServices(loadConfig(settings(), "0.0.0", resourceDefinitions), resourceDefinitions);
      const details = await services.identityHealth.getReport({ includeIdentityEndpoint: true });
      expect(entryOf(details, "rbac:privilege")).toMatchObject({ status: "skipped" });
      expect(entryOf(details, "rbac:privilege")?.output).toMatch(/^role assignments unreadable \(403/);
      const summary = await services.identityHealth.getReport({ includeIdentityEndpoint: false });
      expect(summary.checks["rbac:privilege"]).toBeUndefined();
    });
  });

  describe("deadlines", () => {
    let hung: TlsServer;
    let hungEndpoint: string;
    const connections = new Set<TLSSocket>();
    beforeAll(async () => {
      // Accepts the connection and the TLS handshake, then never answers: a Resource Manager that hangs.
      const certificate = await issueTestCertificate("hung-arm");
      hung = createTlsServer({ cert: await readFile(certificate.certPath), key: await readFile(certificate.keyPath) }, (socket) => {
        connections.add(socket);
      });
      await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
      hungEndpoint = `https://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const socket of connections) socket.destroy();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    });

    it("fails arm:access on time and reads the explanation as unanswered, all within the report's deadline", async () => {
      const timeoutMs = 1_500;
      const started = performance.now();
      const result = await report({ AZURE_RESOURCE_MANAGER_ENDPOINT: hungEndpoint, IDENTITY_PROBE_TIMEOUT_MS: String(timeoutMs) });
      const elapsed = performance.now() - started;
      // The access checks, then the explanations and the audit in what is left of the same deadline.
      expect(elapsed).toBeLessThan(timeoutMs + 1_000);
      expect(result.checks["arm:access"]?.[0]).toMatchObject({ status: "fail", errorCategory: "timeout" });
      const storage = entryOf(result, "storage:access");
      expect(storage?.rbac).toMatchObject({ verdict: "permissions-unreadable", unreadable: "permissions: no answer within the deadline" });
      expect(entryOf(result, "rbac:privilege")).toMatchObject({ status: "skipped" });
    });
  });
});
