// The local ARM emulator through the real Azure SDKs, over the wire: @azure/identity's ManagedIdentityCredential →
// local identity endpoint → bearer token for https://management.azure.com → @azure/arm-resources and
// @azure/arm-authorization pointed at the emulator → the stack's one role table, whose changes data planes see only
// after its propagation delay.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { AuthorizationManagementClient, type RoleAssignment } from "@azure/arm-authorization";
import { isRestError, type RestError } from "@azure/core-rest-pipeline";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import {
  localOperatorIdentity,
  localResourceGroup,
  localSubscriptionId,
  localSystemIdentity,
  localUnprivilegedIdentity,
  localUserIdentity,
  type LocalIdentity,
} from "../../local/identity/localIdentities.js";
import { roleByName } from "../../local/rbac/builtInRoles.js";
import { defaultRoleAssignments, localResourceGroupScope, localStorageAccountId, localSubscriptionScope } from "../../local/rbac/localResources.js";
import { createRoleTable, type RoleTable } from "../../local/rbac/roleTable.js";
import { startTestArmEmulator, startTestIdentityEndpoint, useIdentityEnvironment, type TestArmEmulator } from "../fixtures/localServices.js";
import { recordOutput } from "../fixtures/secretScan.js";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";

const armScope = "https://management.azure.com/.default";
const otherGroup = "identity-probe-other";
const blobRead = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
const propagationDelayMs = 60_000;

/** Every body the SDKs read goes to the run-wide secret scan. */
const recordResponses: PipelinePolicy = {
  name: "recordResponses",
  async sendRequest(request, next) {
    const response = await next(request);
    recordOutput(response.bodyAsText ?? "");
    return response;
  },
};
const additionalPolicies = [{ policy: recordResponses, position: "perCall" as const }];

function roleId(roleName: string): string {
  const role = roleByName(roleName);
  if (!role) throw new Error(`no built-in role ${roleName}`);
  return role.id;
}

async function restError(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (error) {
    if (isRestError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

describe("the local ARM emulator through @azure/arm-resources and @azure/arm-authorization", () => {
  let identityEndpoint: IdentityEndpoint;
  let arm: TestArmEmulator;
  let roles: RoleTable;
  let restoreEnvironment: () => void;
  /** The role table's clock: tests move it past the propagation delay instead of waiting for it. */
  let now = Date.now();

  const credentialOf = (identity: LocalIdentity) =>
    identity.kind === "system" ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId: identity.clientId });
  const resourcesAs = (identity: LocalIdentity) =>
    new ResourceManagementClient(credentialOf(identity), localSubscriptionId, { endpoint: arm.endpoint, retryOptions: { maxRetries: 0 }, additionalPolicies });
  const authorizationAs = (identity: LocalIdentity) =>
    new AuthorizationManagementClient(credentialOf(identity), localSubscriptionId, {
      endpoint: arm.endpoint,
      // The SDK would otherwise ask for a token for `${endpoint}/.default`: ARM's audience is what a real client asks for.
      credentialScopes: [armScope],
      retryOptions: { maxRetries: 0 },
      additionalPolicies,
    });

  beforeAll(async () => {
    identityEndpoint = await startTestIdentityEndpoint();
    roles = createRoleTable({ initial: defaultRoleAssignments(), propagationDelayMs, clock: () => now });
    arm = await startTestArmEmulator(identityEndpoint, {
      roles,
      resourceGroups: [
        { name: localResourceGroup, location: "westeurope" },
        { name: otherGroup, location: "northeurope" },
      ],
    });
    restoreEnvironment = useIdentityEnvironment(identityEndpoint, "AppService");
  });
  afterAll(async () => {
    restoreEnvironment?.();
    await arm?.close();
    await identityEndpoint?.close();
  });

  describe("resource groups (ResourceGroups_List)", () => {
    it("lists to an app identity only the group it holds Reader on", async () => {
      const groups = await all(resourcesAs(localSystemIdentity).resourceGroups.list());
      expect(groups).toEqual([
        {
          id: `${localSubscriptionScope}/resourceGroups/${localResourceGroup}`,
          name: localResourceGroup,
          type: "Microsoft.Resources/resourceGroups",
          location: "westeurope",
          properties: { provisioningState: "Succeeded" },
        },
      ]);
    });

    it("lists every group to the subscription's Owner, and honours $top", async () => {
      const client = resourcesAs(localOperatorIdentity);
      expect((await all(client.resourceGroups.list())).map((group) => group.name)).toEqual([localResourceGroup, otherGroup]);
      expect(await all(client.resourceGroups.list({ top: 1 }))).toHaveLength(1);
    });

    it("refuses an identity with no role with 403 AuthorizationFailed", async () => {
      // The SDK's pager replaces ARM's message with its own ("Pagination failed with unexpected statusCode 403") and
      // keeps the code; the message itself is asserted over raw HTTPS in armEmulatorHostile.test.ts.
      const error = await restError(all(resourcesAs(localUnprivilegedIdentity).resourceGroups.list()));
      expect([error.statusCode, error.code]).toEqual([403, "AuthorizationFailed"]);
    });
  });

  describe("permissions (Permissions_ListForResourceGroup / _ListForResource)", () => {
    it("gives an app identity the permissions of each role that applies at its resource group", async () => {
      const permissions = await all(authorizationAs(localSystemIdentity).permissions.listForResourceGroup(localResourceGroup));
      expect(permissions).toEqual([{ actions: ["*/read"], notActions: [], dataActions: [], notDataActions: [] }]);
    });

    it("adds the data role held on a resource to the roles inherited from its group", async () => {
      const permissions = await all(
        authorizationAs(localUserIdentity).permissions.listForResource(localResourceGroup, "Microsoft.Storage", "", "storageAccounts", "devstoreaccount1"),
      );
      expect(permissions).toHaveLength(2);
      expect(permissions.flatMap((permission) => permission.dataActions ?? [])).toContain(blobRead);
      expect(permissions.flatMap((permission) => permission.actions ?? [])).toContain("*/read");
    });

    it("refuses an identity with no role: 403 AuthorizationFailed for Microsoft.Authorization/permissions/read", async () => {
      const error = await restError(all(authorizationAs(localUnprivilegedIdentity).permissions.listForResourceGroup(localResourceGroup)));
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe("AuthorizationFailed");
      expect(error.message).toContain(`perform action 'Microsoft.Authorization/permissions/read' over scope '${localResourceGroupScope}'`);
    });
  });

  describe("role assignments (RoleAssignments_*, 2022-04-01)", () => {
    it("lets the operator assign a role: ARM shows it at once, data planes after the propagation delay, and the same for its removal", async () => {
      const client = authorizationAs(localOperatorIdentity);
      const name = randomUUID();
      const statuses: number[] = [];
      const created = await client.roleAssignments.create(
        localStorageAccountId,
        name,
        {
          roleDefinitionId: `${localSubscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${roleId("Storage Blob Data Reader")}`,
          principalId: localUnprivilegedIdentity.objectId,
          principalType: "ServicePrincipal",
        },
        { onResponse: (response) => statuses.push(response.status) },
      );
      expect(statuses).toEqual([201]);
      expect(created).toMatchObject({
        id: `${localStorageAccountId}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        name,
        type: "Microsoft.Authorization/roleAssignments",
        scope: localStorageAccountId,
        principalId: localUnprivilegedIdentity.objectId,
        principalType: "ServicePrincipal",
        roleDefinitionId: `${localSubscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${roleId("Storage Blob Data Reader")}`,
        createdBy: null,
        updatedBy: localOperatorIdentity.objectId,
      });
      expect(created.createdOn).toBeInstanceOf(Date);

      // A read shows who created it.
      const read = await client.roleAssignments.get(localStorageAccountId, name);
      expect(read.createdBy).toBe(localOperatorIdentity.objectId);

      expect(roles.allowsOnDataPlane(localUnprivilegedIdentity.objectId, localStorageAccountId, blobRead)).toBe(false);
      now += propagationDelayMs + 1;
      expect(roles.allowsOnDataPlane(localUnprivilegedIdentity.objectId, localStorageAccountId, blobRead)).toBe(true);

      const deleted = await client.roleAssignments.delete(localStorageAccountId, name);
      expect(deleted?.name).toBe(name);
      expect((await restError(client.roleAssignments.get(localStorageAccountId, name))).statusCode).toBe(404);
      expect(roles.allowsOnDataPlane(localUnprivilegedIdentity.objectId, localStorageAccountId, blobRead)).toBe(true);
      now += propagationDelayMs + 1;
      expect(roles.allowsOnDataPlane(localUnprivilegedIdentity.objectId, localStorageAccountId, blobRead)).toBe(false);

      const again: number[] = [];
      await client.roleAssignments.delete(localStorageAccountId, name, { onResponse: (response) => again.push(response.status) });
      expect(again).toEqual([204]);
    });

    it("answers an identical re-PUT with 200, the same trio under another name with 409, another principal under the name with 400", async () => {
      const client = authorizationAs(localOperatorIdentity);
      const name = randomUUID();
      const parameters = {
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${roleId("Reader")}`,
        principalId: localUnprivilegedIdentity.objectId,
        principalType: "ServicePrincipal",
      };
      const statuses: number[] = [];
      const onResponse = (response: { status: number }) => statuses.push(response.status);
      await client.roleAssignments.create(localResourceGroupScope, name, parameters, { onResponse });
      await client.roleAssignments.create(localResourceGroupScope, name, parameters, { onResponse });
      expect(statuses).toEqual([201, 200]);

      const conflict = await restError(client.roleAssignments.create(localResourceGroupScope, randomUUID(), parameters));
      expect([conflict.statusCode, conflict.code, conflict.message]).toEqual([409, "RoleAssignmentExists", "The role assignment already exists."]);

      const changed = await restError(client.roleAssignments.create(localResourceGroupScope, name, { ...parameters, principalId: localUserIdentity.objectId }));
      expect([changed.statusCode, changed.code, changed.message]).toEqual([
        400,
        "RoleAssignmentUpdateNotPermitted",
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
      ]);
      await client.roleAssignments.delete(localResourceGroupScope, name);
    });

    it("lists with atScope(), principalId eq and assignedTo filters as ARM describes them", async () => {
      const client = authorizationAs(localOperatorIdentity);
      const atSubscription = await all(client.roleAssignments.listForScope(localSubscriptionScope, { filter: "atScope()" }));
      expect(atSubscription.map((assignment) => assignment.scope)).toEqual([localSubscriptionScope]);

      const everything = await all(client.roleAssignments.listForScope(localSubscriptionScope));
      expect(everything).toHaveLength(roles.assignments.length);

      const mine = (assignments: RoleAssignment[]) => assignments.every((assignment) => assignment.principalId === localSystemIdentity.objectId);
      const byPrincipal = await all(client.roleAssignments.listForScope(localResourceGroupScope, { filter: `principalId eq '${localSystemIdentity.objectId}'` }));
      expect(byPrincipal).toHaveLength(4);
      expect(mine(byPrincipal)).toBe(true);

      const atGroupAssigned = await all(
        client.roleAssignments.listForScope(localResourceGroupScope, { filter: `atScope() and assignedTo('${localSystemIdentity.objectId}')` }),
      );
      expect(atGroupAssigned.map((assignment) => assignment.roleDefinitionId?.split("/").pop())).toEqual([roleId("Reader")]);
    });

    it("lets an app identity read assignments (Reader) but refuses it a create and a delete with 403", async () => {
      const client = authorizationAs(localSystemIdentity);
      expect((await all(client.roleAssignments.listForScope(localResourceGroupScope))).length).toBeGreaterThan(0);

      const name = randomUUID();
      const created = await restError(
        client.roleAssignments.create(localResourceGroupScope, name, {
          roleDefinitionId: `${localSubscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${roleId("Owner")}`,
          principalId: localSystemIdentity.objectId,
        }),
      );
      expect([created.statusCode, created.code]).toEqual([403, "AuthorizationFailed"]);
      expect(created.message).toContain(
        `perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${localResourceGroupScope}/providers/Microsoft.Authorization/roleAssignments/${name}'`,
      );
      expect(roles.assignments.some((assignment) => assignment.name === name)).toBe(false);

      const [reader] = roles.applyingAt(localSystemIdentity.objectId, localResourceGroupScope);
      const deleted = await restError(client.roleAssignments.delete(localResourceGroupScope, reader?.name ?? ""));
      expect([deleted.statusCode, deleted.code]).toEqual([403, "AuthorizationFailed"]);
      expect(roles.applyingAt(localSystemIdentity.objectId, localResourceGroupScope)).toHaveLength(1);
    });

    it("answers a missing assignment with 404 alone and keeps why in its refusal log", async () => {
      const error = await restError(authorizationAs(localOperatorIdentity).roleAssignments.get(localResourceGroupScope, randomUUID()));
      expect(error.statusCode).toBe(404);
      expect(error.response?.bodyAsText ?? "").toBe("");
      const requestId = error.response?.headers.get("x-ms-request-id") ?? "";
      expect(arm.refusal(requestId)).toMatchObject({ status: 404, code: "RoleAssignmentNotFound", isSent: false });
    });
  });

  describe("role definitions (RoleDefinitions_Get / _List)", () => {
    it("reads a built-in role with its real ID, permissions and BuiltInRole type", async () => {
      // The app identity holds Reader on its resource group (*/read covers roleDefinitions/read), not on the subscription.
      const owner = await authorizationAs(localSystemIdentity).roleDefinitions.get(localResourceGroupScope, roleId("Owner"));
      expect(owner).toMatchObject({
        id: `${localSubscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${roleId("Owner")}`,
        name: roleId("Owner"),
        type: "Microsoft.Authorization/roleDefinitions",
        roleName: "Owner",
        roleType: "BuiltInRole",
        assignableScopes: ["/"],
        permissions: [{ actions: ["*"], notActions: [], dataActions: [], notDataActions: [] }],
      });
    });

    it("filters by roleName and type", async () => {
      const client = authorizationAs(localSystemIdentity);
      const readers = await all(client.roleDefinitions.list(localResourceGroupScope, { filter: "roleName eq 'Reader'" }));
      expect(readers.map((role) => role.roleName)).toEqual(["Reader"]);
      const builtIn = await all(client.roleDefinitions.list(localResourceGroupScope, { filter: "type eq 'BuiltInRole'" }));
      expect(builtIn.length).toBeGreaterThan(5);
      expect(await all(client.roleDefinitions.list(localResourceGroupScope, { filter: "type eq 'CustomRole'" }))).toEqual([]);
    });

    it("refuses a read above the scopes a caller holds a role on", async () => {
      const error = await restError(authorizationAs(localSystemIdentity).roleDefinitions.get(localSubscriptionScope, roleId("Owner")));
      expect([error.statusCode, error.code]).toEqual([403, "AuthorizationFailed"]);
      expect(error.message).toContain(`'Microsoft.Authorization/roleDefinitions/read' over scope '${localSubscriptionScope}'`);
    });

    it("answers an unknown role definition with 404 RoleDefinitionDoesNotExist", async () => {
      const missing = randomUUID();
      const error = await restError(authorizationAs(localSystemIdentity).roleDefinitions.get(localResourceGroupScope, missing));
      expect([error.statusCode, error.code, error.message]).toEqual([
        404,
        "RoleDefinitionDoesNotExist",
        `The specified role definition with ID '${missing}' does not exist.`,
      ]);
    });
  });
});
