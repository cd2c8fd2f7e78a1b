// The health report (draft-inadarei-api-health-check, `application/health+json`) as every layer sees it:
// the probes build it, the history stores it, the CLI and the dashboard read it. Check values are arrays,
// one entry per probed identity. Types only, so any layer can import it for nothing.

export type OverallStatus = "pass" | "warn" | "fail";
/** `skipped`: the resource is not configured (its endpoint setting is unset); it does not fail the report. */
export type CheckStatus = OverallStatus | "skipped";

export type ErrorCategory =
  | "identity-unavailable"
  | "identity-not-found"
  | "endpoint-error"
  | "timeout"
  | "audience-invalid"
  | "unauthorized"
  | "forbidden"
  | "network"
  | "misconfigured"
  | "unknown";

/** What a check measures of a component: `storage` + `token` is the report key `storage:token`. */
export interface CheckKey {
  readonly component: string;
  readonly measurement: "token" | "access" | "endpoint" | "settings" | "privilege";
}

/**
 * Why Azure RBAC refused an access check, from ARM's own answers (issue 12): the identity's effective
 * permissions at the resource's scope and, where they can be read, the role assignments behind them.
 * - `no-role`: no role at all applies there;
 * - `control-plane-only`: roles apply, none with the data action (Reader, Contributor, Owner grant none);
 * - `data-role-present`: a role grants it, yet the service refused: network rules, a deny assignment, a
 *   condition, or an assignment younger than the data plane's cache;
 * - `permissions-unreadable`: ARM would not say.
 */
export type RbacVerdict = "no-role" | "control-plane-only" | "data-role-present" | "permissions-unreadable";

export interface RbacRole {
  readonly name: string;
  readonly scope: string;
  readonly createdOn?: string;
  /** Whether the role grants one of the data actions the check needs. */
  readonly grantsRequired: boolean;
}

export interface RbacExplanation {
  readonly verdict: RbacVerdict;
  /** What the check's operation needs: any one of these data actions. */
  readonly requiredDataActions: readonly string[];
  /** What the identity holds at the scope, as ARM's permissions API lists it. */
  readonly effectiveDataActions?: readonly string[];
  /** The role assignments that apply at the scope, when ARM lets the identity read them. */
  readonly roles?: readonly RbacRole[];
  /** The creation time of the newest assignment that grants the data action. */
  readonly assignedOn?: string;
  /** What ARM would not tell, and its answer. */
  readonly unreadable?: string;
}

export interface CheckEntry {
  readonly componentId: string;
  readonly componentType: "audience" | "datastore" | "component" | "system";
  readonly identity?: string;
  readonly status: CheckStatus;
  readonly observedValue?: number;
  readonly observedUnit?: "ms";
  readonly time: string;
  readonly tokenSource?: "cache" | "endpoint";
  readonly expiresOn?: string;
  readonly errorCategory?: ErrorCategory;
  /** HTTP status or error code of the failure (`403 AuthorizationPermissionMismatch`). Details only. */
  readonly output?: string;
  /** What to do about it: role, principal and scope, with the command. Details only. */
  readonly remediation?: string;
  /** Why a check is `warn`. */
  readonly note?: string;
  /** Why Azure RBAC refused a forbidden access check. Details only. */
  readonly rbac?: RbacExplanation;
  /**
   * The result was observed earlier and is given again instead of asking the identity endpoint again (a
   * remembered failed token request, or the raw identity:endpoint check within its interval): when it was
   * observed, how old it is, and when the probe asks again.
   */
  readonly remembered?: RememberedResult;
}

export interface RememberedResult {
  readonly observedAt: string;
  readonly ageSeconds: number;
  readonly nextAttemptAt: string;
}

export interface ReportIdentity {
  readonly name: string;
  readonly clientId?: string;
  readonly objectId?: string;
  readonly tenantId?: string;
  readonly resourceId?: string;
}

/** One credential's failure in DefaultAzureCredential's chain, when none answered. */
export interface CredentialFailure {
  /** The credential: `EnvironmentCredential`, `ManagedIdentityCredential`, `AzureCliCredential`, … */
  readonly credential: string;
  /** The error's name: `CredentialUnavailableError`. */
  readonly error: string;
  readonly message: string;
}

export interface ReportIdentityBlock {
  /** Where managed identity tokens come from on this host, exactly as msal-node names it (`AppService`, `DefaultToImds`, …). */
  readonly source: string;
  /** The credential of the app's DefaultAzureCredential chain that answered (`ManagedIdentityCredential`, `AzureCliCredential`, …). */
  readonly credential?: string;
  /** When none answered: each credential's failure, in the chain's order. */
  readonly credentialFailures?: readonly CredentialFailure[];
  readonly identities: readonly ReportIdentity[];
}

export interface HealthReport {
  readonly status: OverallStatus;
  readonly version: "1";
  readonly releaseId: string;
  readonly serviceId: string;
  readonly time: string;
  readonly identity?: ReportIdentityBlock;
  readonly checks: Readonly<Record<string, readonly CheckEntry[]>>;
}

/** The report's key for a check: `component:measurement`. */
export function formatCheckKey(key: CheckKey): string {
  return `${key.component}:${key.measurement}`;
}

/** The component a report key names (`storage:access` → `storage`): the report's one key format, read in one place. */
export function componentOfCheckKey(key: string): string {
  const separator = key.lastIndexOf(":");
  return separator > 0 ? key.slice(0, separator) : key;
}
