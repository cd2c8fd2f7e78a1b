// Why Azure RBAC refused an access check, from Azure Resource Manager's own answers rather than a guess: the
// identity's effective permissions at the resource's scope (Permissions_ListForResource, read with the
// identity's own ARM token) say whether any role grants the data action the check needs; its role
// assignments there (when it may read them) name the roles and say how old they are.
import type { RbacReader, RoleGrant } from "../resources/resourceDefinition.js";
import type { RbacExplanation, RbacRole } from "../shared/healthReport.js";
import { permits, type Permission } from "../shared/rbacPermissions.js";

export interface ForbiddenAccess {
  /** The resource's ARM ID. */
  readonly scope: string;
  /** What the refused operation needs: any one of these. */
  readonly requiredDataActions: readonly string[];
  /** The identity's object ID, when a token told us: needed to read its role assignments. */
  readonly principalId: string | undefined;
}

/** What an ARM refusal was, in a few words: the status and code, never a message that may echo a token or a name. */
function describeRefusal(error: unknown, abortSignal: AbortSignal): string {
  if (abortSignal.aborted) return "no answer within the deadline";
  const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  const parts = [typeof statusCode === "number" ? String(statusCode) : undefined, typeof code === "string" ? code : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : "no answer";
}

function grantsAny(permissions: readonly Permission[], dataActions: readonly string[]): boolean {
  return dataActions.some((action) => permits(permissions, action, "dataAction"));
}

export async function explainForbidden(reader: RbacReader, access: ForbiddenAccess, abortSignal: AbortSignal): Promise<RbacExplanation> {
  const required = access.requiredDataActions;
  const grantsRead = access.principalId
    ? reader.grantsAt(access.scope, access.principalId, { abortSignal }).then(
        (grants) => ({ grants }),
        (error: unknown) => ({ unreadable: `role assignments: ${describeRefusal(error, abortSignal)}` }),
      )
    : Promise.resolve({ unreadable: "role assignments: the identity's object ID is not known (no token)" });
  let permissions: readonly Permission[];
  try {
    permissions = await reader.permissionsAt(access.scope, { abortSignal });
  } catch (error) {
    await grantsRead;
    const refusal = describeRefusal(error, abortSignal);
    // Listing one's own permissions needs `Microsoft.Authorization/permissions/read` (learn REST reference,
    // Permissions - List For Resource Group), which every role that reads the scope grants (Reader's `*/read`):
    // ARM's AuthorizationFailed for it means no such role applies — at most a data-only role, and not one
    // that allows this check.
    if (refusal === "403 AuthorizationFailed")
      return { verdict: "no-role", requiredDataActions: required, unreadable: `permissions: ${refusal} (no role that reads this scope applies)` };
    return { verdict: "permissions-unreadable", requiredDataActions: required, unreadable: `permissions: ${refusal}` };
  }
  const assignments = await grantsRead;

  const hasAny = permissions.some((entry) => entry.actions.length > 0 || entry.dataActions.length > 0);
  const verdict = grantsAny(permissions, required) ? "data-role-present" : hasAny ? "control-plane-only" : "no-role";
  const effectiveDataActions = [...new Set(permissions.flatMap((entry) => entry.dataActions))];
  if ("unreadable" in assignments) return { verdict, requiredDataActions: required, effectiveDataActions, unreadable: assignments.unreadable };

  const roles = assignments.grants.map((grant: RoleGrant): RbacRole => ({
    name: grant.roleName,
    scope: grant.scope,
    ...(grant.createdOn ? { createdOn: grant.createdOn } : {}),
    grantsRequired: grantsAny(grant.permissions, required),
  }));
  const assignedOn = roles
    .flatMap((role) => (role.grantsRequired && role.createdOn && Number.isFinite(Date.parse(role.createdOn)) ? [role.createdOn] : []))
    .sort((a, b) => Date.parse(b) - Date.parse(a))[0];
  return { verdict, requiredDataActions: required, effectiveDataActions, roles, ...(assignedOn ? { assignedOn } : {}) };
}

/** How a verdict reads in the report: the entry's status, its note and, where the usual fix is wrong, a fix of its own. */
export interface VerdictReading {
  readonly isLikelyPropagating: boolean;
  readonly note: string;
  readonly remediation?: string;
}

function ageOf(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}

function rolesPhrase(explanation: RbacExplanation): string | undefined {
  if (!explanation.roles || explanation.roles.length === 0) return undefined;
  return explanation.roles.map((role) => `'${role.name}' at ${role.scope}`).join(", ");
}

/**
 * The verdict in words. `propagationWindowMs` is how long a new assignment may take to reach a data plane;
 * `historyNote` is what the probe history says when ARM cannot date the assignment.
 */
export function readVerdict(
  explanation: RbacExplanation,
  context: { readonly now: number; readonly propagationWindowMs: number; readonly historyNote: VerdictReading | undefined; readonly resource: string },
): VerdictReading {
  const needed = explanation.requiredDataActions.join(" or ");
  const roles = rolesPhrase(explanation);
  switch (explanation.verdict) {
    case "no-role":
      return { isLikelyPropagating: false, note: `rbac no-role: no role applies to this identity here, so nothing grants ${needed}` };
    case "control-plane-only":
      return {
        isLikelyPropagating: false,
        note:
          `rbac control-plane-only: ${roles ? `holds ${roles}` : "holds control-plane permissions only"}; ` +
          `none grants the data action ${needed} (Reader, Contributor and Owner grant no data actions)`,
      };
    case "permissions-unreadable": {
      const unread = `rbac permissions-unreadable: Azure Resource Manager would not say why (${explanation.unreadable ?? "no answer"})`;
      return context.historyNote
        ? { ...context.historyNote, note: `${context.historyNote.note}; ${unread}` }
        : { isLikelyPropagating: false, note: unread };
    }
    case "data-role-present": {
      const holder = roles ? `holds ${roles}` : "holds a role";
      const elsewhere =
        `${context.resource} still refuses it: look at the resource's network rules (firewall, virtual networks, private endpoints), ` +
        "deny assignments (az rest --method get --url '<scope>/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01'), " +
        "and conditions on the role assignment (az role assignment list --assignee <principal> --scope <scope> --query \"[].condition\").";
      if (explanation.assignedOn) {
        const age = Math.max(0, context.now - Date.parse(explanation.assignedOn));
        const dated = `rbac data-role-present: ${holder}, granting ${needed}, assigned on ${explanation.assignedOn} (${ageOf(age)} ago)`;
        return age < context.propagationWindowMs
          ? {
              isLikelyPropagating: true,
              note: `${dated}: likely still reaching the data plane`,
              remediation: `Wait: the role assignment is ${ageOf(age)} old, and role assignments can take up to 10 minutes to reach a data plane (learn "Troubleshoot Azure RBAC"). If it still fails after that, ${elsewhere}`,
            }
          : { isLikelyPropagating: false, note: `${dated}: too long ago to be propagation`, remediation: `The role is in place and old enough; ${elsewhere}` };
      }
      const base = `rbac data-role-present: ${holder} granting ${needed}`;
      return context.historyNote
        ? { ...context.historyNote, note: `${base}; ${context.historyNote.note}`, remediation: `A role grants the data action, yet ${elsewhere}` }
        : { isLikelyPropagating: false, note: base, remediation: `A role grants the data action, yet ${elsewhere}` };
    }
  }
}
