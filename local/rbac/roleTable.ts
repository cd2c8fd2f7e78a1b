// One role-assignment table for the whole local stack: the ARM emulator serves it (roleAssignments,
// permissions) and every data-plane emulator enforces it. As in Azure, ARM sees a change at once, while data
// planes see it only after a propagation delay (learn "Troubleshoot Azure RBAC": changes can take up to 10
// minutes; LOCAL_RBAC_PROPAGATION_S stands for that here) — for a new assignment and for a removed one alike.
import { randomUUID } from "node:crypto";
import { permits, roleById, roleByName, type Permission, type RoleDefinition } from "./builtInRoles.js";

export interface RoleAssignment {
  /** The assignment's name: a GUID. */
  readonly name: string;
  readonly scope: string;
  readonly roleDefinitionId: string;
  readonly principalId: string;
  readonly principalType: string;
  readonly createdOn: Date;
  readonly updatedOn: Date;
  readonly createdBy: string | undefined;
}

export interface RoleTable {
  /** Assignments as ARM sees them now. */
  readonly assignments: readonly RoleAssignment[];
  readonly propagationDelayMs: number;
  assign(input: { name?: string; scope: string; roleDefinitionId: string; principalId: string; principalType?: string; createdBy?: string }): RoleAssignment;
  remove(scope: string, name: string): RoleAssignment | undefined;
  /** Every assignment of `principalId` that applies at `scope` (at the scope or above it), as ARM sees them. */
  applyingAt(principalId: string, scope: string): readonly RoleAssignment[];
  /** What a data plane allows now: assignments older than the propagation delay, removals older than it too. */
  allowsOnDataPlane(principalId: string, scope: string, action: string, options?: { alsoActions?: boolean }): boolean;
  /** What ARM allows now (no delay): `action` as a control-plane action. */
  allowsOnArm(principalId: string, scope: string, action: string): boolean;
  /** Replaces the principal's roles at exactly `scope` (tests and the emulators' own controls). */
  setRoles(principalId: string, scope: string, roleNames: readonly string[]): void;
}

/** ARM scopes compare without regard to case, segment by segment; a scope applies to itself and everything below. */
export function isAtOrBelow(scope: string, ancestor: string): boolean {
  const normalize = (value: string): string => value.replace(/\/+$/, "").toLowerCase();
  const child = normalize(scope);
  const parent = normalize(ancestor);
  return parent === "" || child === parent || child.startsWith(`${parent}/`);
}

export function roleDefinitionOf(assignment: Pick<RoleAssignment, "roleDefinitionId">): RoleDefinition | undefined {
  return roleById(assignment.roleDefinitionId);
}

function permissionsOf(assignments: readonly Pick<RoleAssignment, "roleDefinitionId">[]): Permission[] {
  return assignments.flatMap((assignment) => roleDefinitionOf(assignment)?.permissions ?? []);
}

export function createRoleTable(options: {
  readonly initial?: readonly Omit<Parameters<RoleTable["assign"]>[0], "createdBy">[];
  readonly propagationDelayMs?: number;
  readonly clock?: () => number;
}): RoleTable {
  const clock = options.clock ?? Date.now;
  const delay = options.propagationDelayMs ?? 0;
  let current: RoleAssignment[] = [];
  /** When data planes start honouring each assignment: its creation plus the delay, or at once. */
  const honouredFrom = new WeakMap<RoleAssignment, number>();
  /** Removed assignments, which data planes honour until the removal has propagated. */
  let removed: { assignment: RoleAssignment; removedAt: number }[] = [];

  function assign(input: Parameters<RoleTable["assign"]>[0], options: { atOnce?: boolean } = {}): RoleAssignment {
    const now = new Date(clock());
    const assignment: RoleAssignment = {
      name: input.name ?? randomUUID(),
      scope: input.scope,
      roleDefinitionId: input.roleDefinitionId,
      principalId: input.principalId,
      principalType: input.principalType ?? "ServicePrincipal",
      createdOn: now,
      updatedOn: now,
      createdBy: input.createdBy,
    };
    current.push(assignment);
    honouredFrom.set(assignment, options.atOnce ? Number.NEGATIVE_INFINITY : now.getTime() + delay);
    return assignment;
  }

  function remove(scope: string, name: string): RoleAssignment | undefined {
    const found = current.find((assignment) => assignment.name.toLowerCase() === name.toLowerCase() && isAtOrBelow(assignment.scope, scope) && isAtOrBelow(scope, assignment.scope));
    if (!found) return undefined;
    current = current.filter((assignment) => assignment !== found);
    removed.push({ assignment: found, removedAt: clock() });
    return found;
  }

  // The stack starts with these in place, as a deployment leaves them: they have long propagated.
  for (const entry of options.initial ?? []) assign(entry, { atOnce: true });

  function visibleToDataPlane(): RoleAssignment[] {
    const now = clock();
    removed = removed.filter((entry) => now - entry.removedAt < delay);
    const honoured = (assignment: RoleAssignment): boolean => (honouredFrom.get(assignment) ?? 0) <= now;
    return [...current.filter(honoured), ...removed.map((entry) => entry.assignment).filter(honoured)];
  }

  const applying = (list: readonly RoleAssignment[], principalId: string, scope: string): RoleAssignment[] =>
    list.filter((assignment) => assignment.principalId.toLowerCase() === principalId.toLowerCase() && isAtOrBelow(scope, assignment.scope));

  return {
    get assignments() {
      return current;
    },
    propagationDelayMs: delay,
    assign,
    remove,
    applyingAt: (principalId, scope) => applying(current, principalId, scope),
    allowsOnDataPlane(principalId, scope, action, { alsoActions = false } = {}) {
      const permissions = permissionsOf(applying(visibleToDataPlane(), principalId, scope));
      return permits(permissions, action, "dataAction") || (alsoActions && permits(permissions, action, "action"));
    },
    allowsOnArm: (principalId, scope, action) => permits(permissionsOf(applying(current, principalId, scope)), action, "action"),
    setRoles(principalId, scope, roleNames) {
      const replaced = current.filter((candidate) => candidate.principalId === principalId && candidate.scope === scope);
      current = current.filter((candidate) => !replaced.includes(candidate));
      for (const roleName of roleNames) {
        const role = roleByName(roleName);
        if (!role) throw new TypeError(`Unknown built-in role '${roleName}'`);
        // A direct change applies at once, on every plane.
        assign({ scope, roleDefinitionId: role.id, principalId }, { atOnce: true });
      }
    },
  };
}
