// The emulated ARM operations, each with the spec operation it implements, its methods, api-versions and the
// scopes it is served at. A path that names none of them is a 404, a method a route does not have a 405 with Allow
// — both with the status alone, as ARM's own wording for them is not public.
import { authorizationApiVersions, resourceGroupsApiVersions } from "./armApiVersions.js";
import { statusOnly } from "./armError.js";
import type { ArmScope, ArmTarget } from "./armRequestPath.js";
import type { ArmResult, ArmRouteContext } from "./armRouteContext.js";
import { listPermissions } from "./permissionsList.js";
import { listResourceGroups } from "./resourceGroupsList.js";
import { createRoleAssignment, deleteRoleAssignment, getRoleAssignment, listRoleAssignments } from "./roleAssignmentRoutes.js";
import { getRoleDefinition, listRoleDefinitions } from "./roleDefinitionRoutes.js";

export interface ArmRoute {
  readonly operation: string;
  readonly target: ArmTarget["kind"];
  readonly isItem: boolean;
  readonly method: "GET" | "PUT" | "DELETE";
  readonly apiVersions: readonly string[];
  readonly scopes: readonly ArmScope["kind"][];
  handle(context: ArmRouteContext): ArmResult | Promise<ArmResult>;
}

const anyScope: readonly ArmScope["kind"][] = ["tenant", "subscription", "resourceGroup", "resource"];

export const armRoutes: readonly ArmRoute[] = [
  {
    operation: "ResourceGroups_List",
    target: "resourceGroups",
    isItem: false,
    method: "GET",
    apiVersions: resourceGroupsApiVersions,
    scopes: ["subscription"],
    handle: listResourceGroups,
  },
  {
    // Permissions_ListForResourceGroup / Permissions_ListForResource; the subscription too (see permissionsList.ts).
    operation: "Permissions_List",
    target: "permissions",
    isItem: false,
    method: "GET",
    apiVersions: authorizationApiVersions,
    scopes: ["subscription", "resourceGroup", "resource"],
    handle: listPermissions,
  },
  {
    operation: "RoleAssignments_ListForScope",
    target: "roleAssignments",
    isItem: false,
    method: "GET",
    apiVersions: authorizationApiVersions,
    scopes: anyScope,
    handle: listRoleAssignments,
  },
  {
    operation: "RoleAssignments_Get",
    target: "roleAssignments",
    isItem: true,
    method: "GET",
    apiVersions: authorizationApiVersions,
    scopes: anyScope,
    handle: getRoleAssignment,
  },
  {
    operation: "RoleAssignments_Create",
    target: "roleAssignments",
    isItem: true,
    method: "PUT",
    apiVersions: authorizationApiVersions,
    scopes: anyScope,
    handle: createRoleAssignment,
  },
  {
    operation: "RoleAssignments_Delete",
    target: "roleAssignments",
    isItem: true,
    method: "DELETE",
    apiVersions: authorizationApiVersions,
    scopes: anyScope,
    handle: deleteRoleAssignment,
  },
  {
    operation: "RoleDefinitions_List",
    target: "roleDefinitions",
    isItem: false,
    method: "GET",
    apiVersions: authorizationApiVersions,
    scopes: anyScope,
    handle: listRoleDefinitions,
  },
  {
    operation: "RoleDefinitions_Get",
    target: "roleDefinitions",
    isItem: true,
    method: "GET",
    apiVersions: authorizationApiVersions,
    scopes: anyScope,
    handle: getRoleDefinition,
  },
];

function scopeKindOf(target: ArmTarget): ArmScope["kind"] {
  return target.kind === "resourceGroups" ? "subscription" : target.scope.kind;
}

/** The route for a method on a target, or a thrown 404/405 (status alone). */
export function findArmRoute(method: string, target: ArmTarget): ArmRoute {
  const isItem = target.kind !== "resourceGroups" && target.name !== undefined;
  const candidates = armRoutes.filter(
    (route) => route.target === target.kind && route.isItem === isItem && route.scopes.includes(scopeKindOf(target)),
  );
  if (candidates.length === 0) throw statusOnly(404, "NoRoute", "The path names no emulated ARM operation at this scope.");
  const route = candidates.find((candidate) => candidate.method === method);
  if (!route)
    throw statusOnly(405, "MethodNotAllowed", `This route answers ${candidates.map((candidate) => candidate.method).join(", ")} only.`, {
      allow: candidates.map((candidate) => candidate.method).join(", "),
    });
  return route;
}
