// The built-in Azure roles the local stack knows, with their real IDs (the same in every tenant) and their
// real permissions, as learn's built-in roles pages list them (learn.microsoft.com/azure/role-based-access-control/
// built-in-roles: general.md, privileged.md, storage.md, monitor.md, compute.md). Web PubSub's are from the
// built-in roles index (IDs) and ARM's raw JSON (azure-rbac-catalog.org, "Raw definition from Azure").

import type { Permission } from "../../src/shared/rbacPermissions.js";

export { matchesAction, permits, type Permission } from "../../src/shared/rbacPermissions.js";

export interface RoleDefinition {
  /** The role definition's GUID. */
  readonly id: string;
  readonly roleName: string;
  readonly description: string;
  readonly permissions: readonly Permission[];
}

function permission(parts: Partial<Permission>): Permission {
  return { actions: [], notActions: [], dataActions: [], notDataActions: [], ...parts };
}

const blob = "Microsoft.Storage/storageAccounts/blobServices";

export const builtInRoles: readonly RoleDefinition[] = [
  {
    id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    roleName: "Owner",
    description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    permissions: [permission({ actions: ["*"] })],
  },
  {
    id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    roleName: "Contributor",
    description:
      "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
    permissions: [
      permission({
        actions: ["*"],
        notActions: [
          "Microsoft.Authorization/*/Delete",
          "Microsoft.Authorization/*/Write",
          "Microsoft.Authorization/elevateAccess/Action",
          "Microsoft.Blueprint/blueprintAssignments/write",
          "Microsoft.Blueprint/blueprintAssignments/delete",
          "Microsoft.Compute/galleries/share/action",
          "Microsoft.Purview/consents/write",
          "Microsoft.Purview/consents/delete",
          "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
          "Microsoft.Subscription/cancel/action",
          "Microsoft.Subscription/enable/action",
        ],
      }),
    ],
  },
  {
    id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    roleName: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
    permissions: [permission({ actions: ["*/read"] })],
  },
  {
    id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    roleName: "User Access Administrator",
    description: "Lets you manage user access to Azure resources.",
    permissions: [permission({ actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"] })],
  },
  {
    id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    roleName: "Storage Blob Data Owner",
    description: "Allows for full access to Azure Storage blob containers and data, including assigning POSIX access control.",
    permissions: [
      permission({
        actions: [`${blob}/containers/*`, `${blob}/generateUserDelegationKey/action`],
        dataActions: [`${blob}/containers/blobs/*`],
      }),
    ],
  },
  {
    id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    roleName: "Storage Blob Data Contributor",
    description: "Allows for read, write and delete access to Azure Storage blob containers and data",
    permissions: [
      permission({
        actions: [`${blob}/containers/delete`, `${blob}/containers/read`, `${blob}/containers/write`, `${blob}/generateUserDelegationKey/action`],
        dataActions: [
          `${blob}/containers/blobs/delete`,
          `${blob}/containers/blobs/read`,
          `${blob}/containers/blobs/write`,
          `${blob}/containers/blobs/move/action`,
          `${blob}/containers/blobs/add/action`,
        ],
      }),
    ],
  },
  {
    id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    roleName: "Storage Blob Data Reader",
    description: "Allows for read access to Azure Storage blob containers and data",
    permissions: [
      permission({ actions: [`${blob}/containers/read`, `${blob}/generateUserDelegationKey/action`], dataActions: [`${blob}/containers/blobs/read`] }),
    ],
  },
  {
    id: "12cf5a90-567b-43ae-8102-96cf46c7d9b4",
    roleName: "Web PubSub Service Owner",
    description: "Full access to Azure Web PubSub Service REST APIs",
    permissions: [permission({ dataActions: ["Microsoft.SignalRService/WebPubSub/*"] })],
  },
  {
    id: "bfb1c7d2-fb1a-466b-b2ba-aee63b92deaf",
    roleName: "Web PubSub Service Reader",
    description: "Read-only access to Azure Web PubSub Service REST APIs",
    permissions: [permission({ dataActions: ["Microsoft.SignalRService/WebPubSub/*/read"] })],
  },
  {
    id: "c1410b24-3e69-4857-8f86-4d0a2e603250",
    roleName: "Quantum Workspace Data Contributor",
    description: "Lets you create, read, and modify jobs in a Quantum Workspace. This role does not allow you to manage the workspace itself.",
    permissions: [
      permission({
        actions: [
          "Microsoft.Authorization/*/read",
          "Microsoft.Insights/alertRules/*",
          "Microsoft.Resources/deployments/*",
          "Microsoft.Resources/subscriptions/resourceGroups/read",
          "Microsoft.Quantum/Workspaces/read",
          "Microsoft.Quantum/locations/offerings/read",
        ],
        dataActions: ["Microsoft.Quantum/Workspaces/jobs/read", "Microsoft.Quantum/Workspaces/jobs/write"],
      }),
    ],
  },
  {
    id: "3913510d-42f4-4e42-8a64-420c390055eb",
    roleName: "Monitoring Metrics Publisher",
    description: "Enables publishing metrics against Azure resources",
    permissions: [
      permission({
        actions: ["Microsoft.Insights/Register/Action", "Microsoft.Support/*", "Microsoft.Resources/subscriptions/resourceGroups/read"],
        dataActions: ["Microsoft.Insights/Metrics/Write", "Microsoft.Insights/Telemetry/Write"],
      }),
    ],
  },
];

export function roleByName(name: string): RoleDefinition | undefined {
  return builtInRoles.find((role) => role.roleName.toLowerCase() === name.toLowerCase());
}

export function roleById(id: string): RoleDefinition | undefined {
  const guid = id.split("/").pop()?.toLowerCase();
  return builtInRoles.find((role) => role.id === guid);
}
