// A role assignment as ARM sends it (2022-04-01 RoleAssignment; field set and nulls as learn "List Azure role
// assignments using the REST API" shows them): `{ properties, id, type, name }`, the role definition ID in the
// subscription form that real responses carry (arm-rbac.md §2.3), times with seven fractional digits.
import type { RoleAssignment } from "../rbac/roleTable.js";

/** ISO 8601 with .NET's seven fractional digits, as ARM writes createdOn/updatedOn ("2022-01-15T21:08:45.4904312Z"). */
export function armTime(time: Date): string {
  return time.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/** The GUID at the end of a role definition ID (or the GUID itself). */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split("/").pop() ?? "").toLowerCase();
}

export function roleAssignmentResource(
  assignment: RoleAssignment,
  options: {
    readonly subscriptionId: string;
    /** The create response: ARM sends createdBy null there and fills it on later reads (az outputs, §2.3). */
    readonly isCreateResponse?: boolean;
  },
): unknown {
  const createdBy = assignment.createdBy ?? null;
  const scopePrefix = assignment.scope === "/" ? "" : assignment.scope;
  return {
    properties: {
      roleDefinitionId: `/subscriptions/${options.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionGuid(assignment.roleDefinitionId)}`,
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      scope: assignment.scope,
      condition: null,
      conditionVersion: null,
      createdOn: armTime(assignment.createdOn),
      updatedOn: armTime(assignment.updatedOn),
      createdBy: options.isCreateResponse ? null : createdBy,
      updatedBy: createdBy,
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
    id: `${scopePrefix}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}`,
    type: "Microsoft.Authorization/roleAssignments",
    name: assignment.name,
  };
}
