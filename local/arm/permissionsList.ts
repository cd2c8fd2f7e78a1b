// Permissions_ListForResourceGroup / Permissions_ListForResource (specs authorization 2022-04-01
// authorization-RoleDefinitionsCalls.json, "Gets all permissions the caller has for a …"), also served at a
// subscription: the caller's own effective permissions at the scope — one `Permission` (actions, notActions,
// dataActions, notDataActions) for each permission block of each role assignment that applies there (at the scope
// or above it), as ARM sees the role table now.
//
// A caller with no role at the scope is refused: learn's REST reference for the operation says "To call this API,
// you must be assigned a role that has the following permissions: Microsoft.Authorization/permissions/read", so
// such a caller gets 403 AuthorizationFailed for that action over the scope — not an empty list. Every built-in
// role with `*/read` or `Microsoft.Authorization/*/read` (Reader, Owner, Contributor, Quantum Workspace Data
// Contributor…) grants it; a data-only role (Storage Blob Data Contributor) does not.
import { roleDefinitionOf } from "../rbac/roleTable.js";
import { scopeId } from "./armRequestPath.js";
import type { ArmResult, ArmRouteContext } from "./armRouteContext.js";

export function listPermissions(context: ArmRouteContext): ArmResult {
  context.authorize("Microsoft.Authorization/permissions/read");
  const assignments = context.roles.applyingAt(context.caller.objectId, scopeId(context.scope));
  const value = assignments.flatMap((assignment) =>
    (roleDefinitionOf(assignment)?.permissions ?? []).map((permission) => ({
      actions: [...permission.actions],
      notActions: [...permission.notActions],
      dataActions: [...permission.dataActions],
      notDataActions: [...permission.notDataActions],
    })),
  );
  return { status: 200, body: { value } };
}
