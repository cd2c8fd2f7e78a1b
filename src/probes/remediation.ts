// What to do about a failed check, in the words of the Azure docs: which role, for which principal, on
// which scope, with the command that grants it.
import type { ErrorCategory } from "../shared/healthReport.js";

export interface RemediationContext {
  readonly category: ErrorCategory;
  readonly kind: "token" | "access" | "endpoint";
  readonly identityName: string;
  readonly clientId: string | undefined;
  /** The principal's object ID, when a token told us. */
  readonly objectId: string | undefined;
  readonly audience?: string;
  /** The resource: its role and scope, for access checks. */
  readonly resource?: {
    readonly displayName: string;
    readonly roleName: string;
    readonly scope: string | undefined;
    readonly endpoint: string;
    readonly scopeSetting: string;
  };
  readonly status?: number;
  readonly timeoutMs: number;
  readonly setting?: string;
}

export const propagationNote = "New role assignments can take up to 30 minutes to apply.";

function whichIdentity(context: RemediationContext): string {
  return context.clientId ? `the user-assigned identity ${context.clientId}` : "the app's system-assigned identity";
}

export function remediationFor(context: RemediationContext): string | undefined {
  const { category, resource } = context;
  switch (category) {
    case "forbidden": {
      if (!resource) return `The identity is not allowed to do this: grant it a role that allows it. ${propagationNote}`;
      const principal = context.objectId ?? "<principal object ID>";
      const scope = resource.scope ?? `<ARM ID of ${resource.displayName}: set ${resource.scopeSetting} for an exact hint>`;
      return (
        `Assign '${resource.roleName}' to principal ${principal} (${whichIdentity(context)}) on ${scope} ` +
        `(az role assignment create --assignee-object-id ${principal} --assignee-principal-type ServicePrincipal --role "${resource.roleName}" --scope ${scope}). ` +
        propagationNote
      );
    }
    case "unauthorized":
      return (
        `${resource?.displayName ?? "The resource"} rejected the token (401): check that the token's audience is ${context.audience ?? "the resource's audience"} ` +
        `and that the identity's tenant is the resource's tenant (a resource in another tenant never accepts it).`
      );
    case "identity-unavailable":
      return context.clientId
        ? `No managed identity endpoint answered for ${context.clientId}: attach the user-assigned identity to the app (az functionapp identity assign --identities <identity resource ID>) and make sure the app runs in Azure, or run locally with npm start.`
        : "No managed identity is available: enable the system-assigned identity (az functionapp identity assign) or set AZURE_CLIENT_ID to a user-assigned identity attached to the app. Outside Azure there is no identity endpoint (run npm start for the local one).";
    case "identity-not-found":
      return `The user-assigned identity ${context.clientId ?? "<client ID>"} is not assigned to this app: assign it (az functionapp identity assign --identities <identity resource ID>) or correct AZURE_CLIENT_ID / IDENTITY_PROBE_IDENTITIES.`;
    case "endpoint-error":
      return context.kind === "access"
        ? `${resource?.displayName ?? "The resource"} answered ${context.status ?? "with an error"}: a service-side or throttling problem; retry, and check Azure status for ${resource?.endpoint ?? "the endpoint"}.`
        : `The managed identity endpoint answered ${context.status ?? "with an error"}: throttling (IMDS allows 20 requests/s and 5 at once) or a platform problem; it is retried on the next run. If it persists, restart the app and check Azure status.`;
    case "timeout":
      return `No answer within ${context.timeoutMs} ms from ${context.kind === "access" ? (resource?.endpoint ?? "the resource") : "the managed identity endpoint"}: check network rules (private endpoints, firewall, DNS) or raise IDENTITY_PROBE_TIMEOUT_MS.`;
    case "audience-invalid":
      return context.kind === "token" && context.objectId !== undefined
        ? `The identity endpoint issued a token for another audience than ${context.audience ?? "the one asked for"}: the endpoint or a proxy in front of it is misbehaving; restart the app and report it if it persists.`
        : `The audience ${context.audience ?? ""} is not a resource Microsoft Entra ID knows in this tenant: correct IDENTITY_PROBE_AUDIENCES.`;
    case "network":
      return `Could not reach ${resource?.endpoint ?? "the endpoint"}: check the endpoint setting, DNS, TLS trust and firewall / private endpoint rules.`;
    case "misconfigured":
      return context.setting
        ? `Correct the app setting ${context.setting} (see the README's configuration table).`
        : "Correct the app settings named in the output.";
    case "unknown":
      return undefined;
  }
}
