// Azure RBAC's permission arithmetic, shared by the report (reading what ARM says an identity may do) and the
// local emulators (deciding what a caller may do). A role definition's `permissions` and the permissions API's
// `value` have this shape (Microsoft.Authorization 2022-04-01, `Permission`).

export interface Permission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

/** Azure RBAC's action patterns: `*` stands for any run of characters, matched without regard to case. */
export function matchesAction(pattern: string, action: string): boolean {
  const expression = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return expression.test(action);
}

/**
 * Whether a set of permissions allows an action (or a data action): one entry that allows it and does not
 * take it back. "Not" patterns subtract within their own entry only: learn "Understand Azure role
 * definitions" explains NotActions as an exclusion from that role's Actions, not a deny rule.
 */
export function permits(permissions: readonly Permission[], action: string, kind: "action" | "dataAction"): boolean {
  return permissions.some((entry) => {
    const allowed = kind === "action" ? entry.actions : entry.dataActions;
    const denied = kind === "action" ? entry.notActions : entry.notDataActions;
    return allowed.some((pattern) => matchesAction(pattern, action)) && !denied.some((pattern) => matchesAction(pattern, action));
  });
}
