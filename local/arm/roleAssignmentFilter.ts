// `$filter` of the role assignment list operations (specs RoleAssignmentFilterParameter; learn "List Azure role
// assignments using the REST API"): no filter lists the assignments at, above and below the scope;
// `atScope()` those at the scope and above it, "not including the role assignments at subscopes";
// `principalId eq '{id}'` and `assignedTo('{id}')` one principal's, at, above or below (assignedTo is transitive
// through groups — the local stack has none); `atScope() and …` both. Anything else is refused with 400 alone:
// ARM's wording for a filter it does not understand is not public.
import { isGuid } from "../../src/shared/guid.js";
import { isAtOrBelow, type RoleAssignment } from "../rbac/roleTable.js";
import { statusOnly } from "./armError.js";

export interface RoleAssignmentFilter {
  readonly atScopeOnly: boolean;
  readonly principalId: string | undefined;
}

const clausePattern = /^(?:(atScope\(\))|principalId\s+eq\s+'([^']*)'|assignedTo\('([^']*)'\))$/i;

export function parseRoleAssignmentFilter(filter: string | null): RoleAssignmentFilter {
  if (filter === null) return { atScopeOnly: false, principalId: undefined };
  if (filter.length > 512) throw statusOnly(400, "InvalidFilter", "The $filter is longer than any the emulator understands.");
  let atScopeOnly = false;
  let principalId: string | undefined;
  for (const clause of filter.trim().split(/\s+and\s+/i)) {
    const match = clausePattern.exec(clause.trim());
    if (!match) throw statusOnly(400, "InvalidFilter", "The $filter is not atScope(), principalId eq '{id}', assignedTo('{id}') or an 'and' of them.");
    if (match[1] !== undefined) {
      if (atScopeOnly) throw statusOnly(400, "InvalidFilter", "atScope() is given twice.");
      atScopeOnly = true;
      continue;
    }
    const id = match[2] ?? match[3] ?? "";
    if (!isGuid(id)) throw statusOnly(400, "InvalidFilter", "The principal in the $filter is not a GUID.");
    if (principalId !== undefined) throw statusOnly(400, "InvalidFilter", "The $filter names a principal twice.");
    principalId = id;
  }
  return { atScopeOnly, principalId };
}

/** The assignments a list at `scope` returns under `filter`. */
export function filterRoleAssignments(assignments: readonly RoleAssignment[], scope: string, filter: RoleAssignmentFilter): RoleAssignment[] {
  return assignments.filter((assignment) => {
    const isAtOrAbove = isAtOrBelow(scope, assignment.scope);
    const isBelow = isAtOrBelow(assignment.scope, scope);
    if (!(filter.atScopeOnly ? isAtOrAbove : isAtOrAbove || isBelow)) return false;
    return filter.principalId === undefined || assignment.principalId.toLowerCase() === filter.principalId.toLowerCase();
  });
}
