// RoleAssignments_ListForScope / _Get / _Create / _Delete (specs authorization 2022-04-01
// authorization-RoleAssignmentsCalls.json) over the stack's one role table. ARM sees a change at once; data planes
// see it after the table's propagation delay (roleTable.ts). Reads need Microsoft.Authorization/roleAssignments/read
// at the scope, a create …/write and a delete …/delete (learn REST reference, "Permissions"); a refused item
// operation names the assignment's ID as its scope, as ARM's AuthorizationFailed does (arm-rbac.md §5 capture).
// An item's name is checked before the caller's rights, so that no name but a GUID is ever quoted back.
import { isGuid } from "../../src/shared/guid.js";
import { isAtOrBelow, type RoleAssignment } from "../rbac/roleTable.js";
import { statusOnly } from "./armError.js";
import { invalidRoleAssignmentId, roleAssignmentExists, roleAssignmentUpdateNotPermitted } from "./armErrors.js";
import { readArmJsonBody } from "./armRequestBody.js";
import { scopeId, underScope } from "./armRequestPath.js";
import type { ArmResult, ArmRouteContext } from "./armRouteContext.js";
import { filterRoleAssignments, parseRoleAssignmentFilter } from "./roleAssignmentFilter.js";
import { parseRoleAssignmentRequest } from "./roleAssignmentRequest.js";
import { roleAssignmentResource, roleDefinitionGuid } from "./roleAssignmentResource.js";

const sameText = (left: string, right: string): boolean => left.toLowerCase() === right.toLowerCase();
const isSameScope = (left: string, right: string): boolean => isAtOrBelow(left, right) && isAtOrBelow(right, left);

function assignmentName(context: ArmRouteContext): string {
  const name = context.name ?? "";
  // Azure/azure-service-operator#2586: a name that is not a GUID is refused on PUT and DELETE alike.
  if (!isGuid(name)) throw invalidRoleAssignmentId(name);
  return name;
}

function itemId(context: ArmRouteContext): string {
  return underScope(context.scope, `/providers/Microsoft.Authorization/roleAssignments/${context.name ?? ""}`);
}

function resource(context: ArmRouteContext, assignment: RoleAssignment, isCreateResponse = false): unknown {
  return roleAssignmentResource(assignment, { subscriptionId: context.subscriptionId, isCreateResponse });
}

/** RoleAssignments_ListForScope (and the subscription/resource-group/resource lists, which share its path). */
export function listRoleAssignments(context: ArmRouteContext): ArmResult {
  context.authorize("Microsoft.Authorization/roleAssignments/read");
  const filter = parseRoleAssignmentFilter(context.query.get("$filter"));
  const listed = filterRoleAssignments(context.roles.assignments, scopeId(context.scope), filter);
  return { status: 200, body: { value: listed.map((assignment) => resource(context, assignment)) } };
}

/** RoleAssignments_Get. ARM's wording for a missing assignment (code RoleAssignmentNotFound) is not public: 404 alone. */
export function getRoleAssignment(context: ArmRouteContext): ArmResult {
  const name = context.name ?? "";
  // InvalidRoleAssignmentId is seen on PUT and DELETE; for GET its wording is not public.
  if (!isGuid(name)) throw statusOnly(400, "InvalidRoleAssignmentId", "The role assignment name is not a GUID.");
  context.authorize("Microsoft.Authorization/roleAssignments/read", itemId(context));
  const found = context.roles.assignments.find(
    (assignment) => sameText(assignment.name, name) && isSameScope(assignment.scope, scopeId(context.scope)),
  );
  if (!found) throw statusOnly(404, "RoleAssignmentNotFound", "No role assignment of that name at that scope.");
  return { status: 200, body: resource(context, found) };
}

/**
 * RoleAssignments_Create: 201 with the new assignment; 200 with the existing one for an identical re-PUT (the spec's
 * "200: Returns the role assignment"; whether ARM now answers an identical re-PUT with 200 or 409 is unverified,
 * arm-rbac.md §7.4); RoleAssignmentUpdateNotPermitted when the name is taken by an assignment of another principal
 * or scope; RoleAssignmentExists when the same scope, role and principal already have another name.
 */
export async function createRoleAssignment(context: ArmRouteContext): Promise<ArmResult> {
  const name = assignmentName(context);
  context.authorize("Microsoft.Authorization/roleAssignments/write", itemId(context));
  const request = parseRoleAssignmentRequest(await readArmJsonBody(context.request, context.abortSignal), context.subscriptionId);
  const scope = scopeId(context.scope);

  const named = context.roles.assignments.find((assignment) => sameText(assignment.name, name));
  if (named) {
    if (!isSameScope(named.scope, scope) || !sameText(named.principalId, request.principalId)) throw roleAssignmentUpdateNotPermitted();
    // The local table cannot change an assignment's role in place, and ARM's answer to that change is not public.
    if (roleDefinitionGuid(named.roleDefinitionId) !== request.roleDefinitionGuid)
      throw statusOnly(400, "RoleAssignmentUpdateNotEmulated", "The assignment exists with another role; the local table does not change roles in place.");
    return { status: 200, body: resource(context, named) };
  }
  const duplicate = context.roles.assignments.some(
    (assignment) =>
      isSameScope(assignment.scope, scope) &&
      sameText(assignment.principalId, request.principalId) &&
      roleDefinitionGuid(assignment.roleDefinitionId) === request.roleDefinitionGuid,
  );
  if (duplicate) throw roleAssignmentExists();

  const created = context.roles.assign({
    name,
    scope,
    roleDefinitionId: request.roleDefinitionGuid,
    principalId: request.principalId,
    principalType: request.principalType,
    createdBy: context.caller.objectId,
  });
  return { status: 201, body: resource(context, created, true) };
}

/** RoleAssignments_Delete: 200 with the deleted assignment, 204 when there was none ("already deleted or does not exist"). */
export function deleteRoleAssignment(context: ArmRouteContext): ArmResult {
  const name = assignmentName(context);
  context.authorize("Microsoft.Authorization/roleAssignments/delete", itemId(context));
  const removed = context.roles.remove(scopeId(context.scope), name);
  return removed ? { status: 200, body: resource(context, removed) } : { status: 204 };
}
