// What to do about a failed check: the matched signature's template, or the category's when no row matched,
// filled in with what the report knows — which identity, which role on which scope (with the command that
// grants it), which setting. Every category has a template, `unknown` included.
import type { ErrorCategory } from "../shared/healthReport.js";
import type { ClassifiedError } from "./classifyError.js";

export interface RemediationContext {
  readonly kind: "token" | "access" | "endpoint" | "settings";
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
    readonly endpointSetting: string;
  };
  readonly timeoutMs: number;
  readonly setting?: string;
  /** When the probe asks the identity endpoint again for this result (a remembered failure, an interval). */
  readonly nextAttemptAt?: number;
  /** Whether the endpoint itself asked for that wait (Retry-After). */
  readonly isRetryAfter?: boolean;
  /** The report's time, to say how long until then. */
  readonly now?: number;
}

/** Microsoft: role assignments can take up to 10 minutes to apply (30 in older guidance); the design waits 30. */
export const propagationNote = "New role assignments can take up to 30 minutes to apply.";

const roleAssignment =
  "Assign '{role}' to principal {principal} ({identity}) on {scope} " +
  '(az role assignment create --assignee-object-id {principal} --assignee-principal-type ServicePrincipal --role "{role}" --scope {scope}).';

/** The template of each category, for failures no signature row describes. */
type CategoryTemplates = { readonly default: string } & Partial<Readonly<Record<RemediationContext["kind"], string>>>;

export const categoryRemediation: Readonly<Record<ErrorCategory, CategoryTemplates>> = {
  forbidden: { default: `{resource} refused {identity} (403): it lacks a role that allows this. ${roleAssignment} ${propagationNote}` },
  unauthorized: {
    default:
      "{resource} rejected the token ({status}): check that the token's audience is {audience}, that the identity's tenant is the resource's tenant, " +
      "and that the clock of this machine is right.",
  },
  "identity-unavailable": {
    default:
      "No managed identity is available for {identity}: enable the system-assigned identity (az functionapp identity assign) or attach a user-assigned " +
      "identity and set AZURE_CLIENT_ID. Outside Azure there is no identity endpoint: run npm start for the local one.",
  },
  "identity-not-found": {
    default:
      "{identity} is not assigned to this app: assign it (az functionapp identity assign --identities <identity resource ID>) or correct AZURE_CLIENT_ID / IDENTITY_PROBE_IDENTITIES.",
  },
  "endpoint-error": {
    default:
      "The managed identity endpoint answered {status}: a platform problem. {retry} If it persists, restart the app and check Azure status.",
    access:
      "{resource} answered {status}: a service-side problem or throttling. {retry} If it persists, check Azure status for {endpoint}.",
  },
  timeout: {
    default:
      "No answer from the managed identity endpoint within {timeoutMs} ms: it is hung or updating. Raise IDENTITY_PROBE_TIMEOUT_MS only if it answers slowly but surely.",
    access:
      "No answer from {endpoint} within {timeoutMs} ms: check network rules (private endpoints, firewall, DNS), or raise IDENTITY_PROBE_TIMEOUT_MS.",
  },
  "audience-invalid": {
    default: "Microsoft Entra ID does not know the audience {audience} in this tenant: correct IDENTITY_PROBE_AUDIENCES.",
  },
  network: {
    default: "Could not reach {endpoint} ({code}): check {endpointSetting}, DNS, TLS trust and firewall or private endpoint rules.",
  },
  misconfigured: { default: "Correct the app setting {setting} (see the README's configuration table)." },
  unknown: {
    default:
      "identity-probe does not recognise this failure ({status} {code}). The output shows what was answered; the app's logs have the whole error. " +
      "Check the managed identity endpoint's health and this identity's configuration.",
    access:
      "identity-probe does not recognise this answer from {resource} ({status} {code}). The output shows what was answered; the app's logs have the whole " +
      "error. Check {endpoint}'s health and {identity}'s role assignments on {scope}.",
  },
};

function identityPhrase(context: RemediationContext): string {
  return context.clientId ? `the user-assigned identity ${context.clientId}` : "the app's system-assigned identity";
}

/** When the probe asks again: from the failure memory or the check's interval when there is one, else the next report. */
function retryPhrase(classified: ClassifiedError, context: RemediationContext): string {
  const seconds = classified.evidence.retryAfterSeconds;
  const { nextAttemptAt, now } = context;
  if (nextAttemptAt !== undefined && now !== undefined && nextAttemptAt > now) {
    const wait = `in ${Math.ceil((nextAttemptAt - now) / 1000)} s (at ${new Date(nextAttemptAt).toISOString()})`;
    const why =
      context.isRetryAfter && seconds !== undefined ? `The endpoint asked to wait ${seconds} s (Retry-After): the probe ` : "The probe ";
    return `${why}asks again ${wait}; until then reports show this answer, remembered, without asking the endpoint.`;
  }
  return seconds !== undefined
    ? `The endpoint asked to wait ${seconds} s (Retry-After); the probe asks again after that.`
    : "The next report asks again.";
}

/** Fills `{placeholder}`s; one that the report cannot fill is said plainly rather than left in braces. */
export function renderRemediation(template: string, context: RemediationContext, classified: ClassifiedError): string {
  const resource = context.resource;
  const values: Record<string, string> = {
    identity: identityPhrase(context),
    clientId: context.clientId ?? "(system-assigned)",
    principal: context.objectId ?? "<principal object ID>",
    role: resource?.roleName ?? "a role that allows this",
    scope:
      resource?.scope ??
      `<ARM ID of ${resource?.displayName ?? "the resource"}: set ${resource?.scopeSetting ?? "its resource ID setting"} for an exact hint>`,
    scopeSetting: resource?.scopeSetting ?? "the resource ID setting",
    endpoint: resource?.endpoint ?? "the endpoint",
    endpointSetting: resource?.endpointSetting ?? "the endpoint setting",
    resource: resource?.displayName ?? "The resource",
    audience: context.audience ?? "the resource's audience",
    status: classified.status !== undefined ? String(classified.status) : "no HTTP status",
    code: classified.code ?? "no error code",
    timeoutMs: String(context.timeoutMs),
    retry: retryPhrase(classified, context),
    contentType: classified.evidence.contentType ? `content type ${classified.evidence.contentType}` : "no content type",
    setting: context.setting ?? "named in the output",
  };
  return template
    .replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder)
    .replace(/\s+/g, " ")
    .trim();
}

/** The remediation of a classified failure in its context. */
export function remediationFor(classified: ClassifiedError, context: RemediationContext): string {
  const byKind = categoryRemediation[classified.category];
  const template = classified.signature?.remediation ?? byKind[context.kind] ?? byKind.default;
  const text = renderRemediation(template, context, classified);
  return mayBePropagating(classified) && !text.includes(propagationNote) ? `${text} ${propagationNote}` : text;
}

/** A 403 that a new role assignment may not have reached yet: a row that says so, or a 403 no row explains. */
export function mayBePropagating(classified: ClassifiedError): boolean {
  return classified.signature ? classified.signature.mayBePropagating === true : classified.category === "forbidden";
}
