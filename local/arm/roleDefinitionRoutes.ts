// RoleDefinitions_List / RoleDefinitions_Get (specs authorization 2022-04-01 authorization-RoleDefinitionsCalls.json)
// for the built-in roles the local stack knows (builtInRoles.ts), which are the same in every scope. The wire form
// is `{ properties: { roleName, type, description, assignableScopes, permissions }, id, type, name }` with
// properties.type "BuiltInRole" — `roleType` is only the SDK's client name for it (arm-rbac.md §3.1). The ID is the
// tenant form when read at the tenant scope and the subscription form below it, as GetById's description tells
// the two apart. Reads need Microsoft.Authorization/roleDefinitions/read at the scope (learn REST reference).
// Custom roles are not emulated: `type eq 'CustomRole'` lists none, and PUT/DELETE are not routes here.
import { isGuid } from "../../src/shared/guid.js";
import { builtInRoles, type RoleDefinition } from "../rbac/builtInRoles.js";
import { statusOnly } from "./armError.js";
import { roleDefinitionDoesNotExist } from "./armErrors.js";
import type { ArmResult, ArmRouteContext } from "./armRouteContext.js";

function roleDefinitionResource(context: ArmRouteContext, role: RoleDefinition): unknown {
  const prefix = context.scope.kind === "tenant" ? "" : `/subscriptions/${context.subscriptionId}`;
  return {
    properties: {
      roleName: role.roleName,
      type: "BuiltInRole",
      description: role.description,
      assignableScopes: ["/"],
      permissions: role.permissions.map((permission) => ({
        actions: [...permission.actions],
        notActions: [...permission.notActions],
        dataActions: [...permission.dataActions],
        notDataActions: [...permission.notDataActions],
      })),
    },
    id: `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`,
    type: "Microsoft.Authorization/roleDefinitions",
    name: role.id,
  };
}

/** The spec's OData fields, `roleName` and `type`, alone or joined by `and`; `atScopeAndBelow()` changes nothing for built-in roles. */
const clausePattern = /^(?:roleName\s+eq\s+'([^']{0,512})'|type\s+eq\s+'([^']{0,64})'|(atScopeAndBelow\(\)))$/i;

function filterRoles(filter: string | null): readonly RoleDefinition[] {
  if (filter === null) return builtInRoles;
  if (filter.length > 1024) throw statusOnly(400, "InvalidFilter", "The $filter is longer than any the emulator understands.");
  let roles = builtInRoles;
  for (const clause of filter.trim().split(/\s+and\s+/i)) {
    const match = clausePattern.exec(clause.trim());
    if (!match) throw statusOnly(400, "InvalidFilter", "The $filter is not roleName eq '…', type eq '…', atScopeAndBelow() or an 'and' of them.");
    const [, roleName, type] = match;
    if (roleName !== undefined) roles = roles.filter((role) => role.roleName.toLowerCase() === roleName.toLowerCase());
    if (type !== undefined && type.toLowerCase() !== "builtinrole") roles = [];
  }
  return roles;
}

export function listRoleDefinitions(context: ArmRouteContext): ArmResult {
  context.authorize("Microsoft.Authorization/roleDefinitions/read");
  const roles = filterRoles(context.query.get("$filter"));
  return { status: 200, body: { value: roles.map((role) => roleDefinitionResource(context, role)) } };
}

export function getRoleDefinition(context: ArmRouteContext): ArmResult {
  const id = context.name ?? "";
  if (!isGuid(id)) throw statusOnly(400, "InvalidRoleDefinitionId", "The role definition ID is not a GUID.");
  context.authorize("Microsoft.Authorization/roleDefinitions/read");
  const role = builtInRoles.find((candidate) => candidate.id === id.toLowerCase());
  if (!role) throw roleDefinitionDoesNotExist(id);
  return { status: 200, body: roleDefinitionResource(context, role) };
}
