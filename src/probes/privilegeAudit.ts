// The least-privilege audit (`rbac:privilege`): an identity that holds more than its checks need. What
// infra/main.bicep grants — each resource's data role at that resource, Reader on the resource group — is
// never flagged; these are:
// - Owner (8e3af657-a8ff-443c-a75c-2fe8c4bcb635) and User Access Administrator
//   (18d7d88d-d35e-4fb5-a5c3-7773c20a72d9), which can grant themselves anything (learn "Azure built-in roles,
//   Privileged");
// - any role whose actions include `*` (Contributor and custom roles like it) at the resource group or above —
//   on a single resource it is the template's own opt-in (Contributor on the Quantum workspace,
//   GRANT_QUANTUM_CONTRIBUTOR, for clients that still need it);
// - a role with data actions at subscription scope or above, which reaches every account in it.
import type { RoleGrant } from "../resources/resourceDefinition.js";

/** The audit's component in the report (`rbac:privilege`), as the dashboard names it. */
export const privilegeComponent = { component: "rbac", displayName: "Least privilege" } as const;

export interface ExcessGrant {
  readonly grant: RoleGrant;
  readonly why: string;
}

const privilegedRoles: Readonly<Record<string, string>> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner can change any role assignment",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator can change any role assignment",
};

function roleGuid(roleDefinitionId: string): string {
  return roleDefinitionId.split("/").pop()?.toLowerCase() ?? "";
}

/** Whether a scope is the subscription or above it (a management group, the tenant root). */
function isSubscriptionOrAbove(scope: string, subscriptionScope: string): boolean {
  const normalized = scope.replace(/\/+$/, "").toLowerCase();
  return normalized === "" || normalized === subscriptionScope.toLowerCase() || normalized.startsWith("/providers/microsoft.management/managementgroups/");
}

/** Whether a scope is a resource group or above it: anything but a resource (`…/providers/<namespace>/…`). */
function isResourceGroupOrAbove(scope: string): boolean {
  return !/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\//i.test(scope);
}

export function excessGrants(grants: readonly RoleGrant[], subscriptionScope: string): ExcessGrant[] {
  return grants.flatMap((grant): ExcessGrant[] => {
    const privileged = privilegedRoles[roleGuid(grant.roleDefinitionId)];
    if (privileged) return [{ grant, why: privileged }];
    if (grant.permissions.some((permission) => permission.actions.includes("*")) && isResourceGroupOrAbove(grant.scope))
      return [{ grant, why: "its actions include '*': it may change anything at its scope" }];
    if (grant.permissions.some((permission) => permission.dataActions.length > 0) && isSubscriptionOrAbove(grant.scope, subscriptionScope))
      return [{ grant, why: "a data role at subscription scope reaches every resource in the subscription" }];
    return [];
  });
}

/** The note of a `warn`: each grant to remove, why, and the command that removes it. */
export function excessNote(excess: readonly ExcessGrant[]): string {
  return excess
    .map(({ grant, why }) => `remove '${grant.roleName}' at ${grant.scope || "/"} (${why}): az role assignment delete --ids ${grant.assignmentId}`)
    .join("; ");
}
