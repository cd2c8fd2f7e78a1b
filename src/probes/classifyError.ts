// One pure function from whatever a check threw to an error category (DESIGN §3.1). It reads status
// codes and error codes first and falls back to messages only where the SDK gives nothing better:
// ManagedIdentityCredential wraps every failure in CredentialUnavailableError, with MSAL's error (and its
// HTTP status) as the cause and the endpoint's own words in the message.
import type { ErrorCategory } from "../shared/healthReport.js";

/**
 * Whose failure it is: a token request (the identity endpoint, where nothing listening means there is no
 * managed identity here) or a call to a resource (where it means the resource is unreachable).
 */
export type FailureSource = "identity" | "resource";

export interface ClassifiedError {
  readonly category: ErrorCategory;
  readonly status?: number;
  readonly code?: string;
  /** A short description safe to show: the SDK's message with anything token-like removed. */
  readonly message: string;
}

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "REQUEST_SEND_ERROR",
]);

interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly status?: unknown;
  readonly errorCode?: unknown;
  readonly cause?: unknown;
  readonly details?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === "object" && value !== null ? (value as ErrorLike) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * Walks the cause chain and the `errors` of aggregate errors (DefaultAzureCredential's chain wraps each
 * credential's failure in an AggregateAuthenticationError), breadth first and bounded: a cyclic chain
 * must not hang the report.
 */
function chain(error: unknown): ErrorLike[] {
  const links: ErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && links.length < 12) {
    const link = asErrorLike(queue.shift());
    if (!link || links.includes(link)) continue;
    links.push(link);
    queue.push(link.cause);
    const nested = (link as { errors?: unknown }).errors;
    if (Array.isArray(nested)) queue.push(...nested.slice(0, 8));
  }
  return links;
}

/** Removes anything that looks like a bearer token, a JWT or a SAS signature, and bounds the length. */
export function redact(message: string): string {
  return message
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, "[redacted-token]")
    .replace(/(bearer\s+)\S+/gi, "$1[redacted]")
    .replace(/([?&](?:sig|code|access_token|secret)=)[^&\s"']+/gi, "$1[redacted]")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 500);
}

/** MSAL's rendering of a managed identity endpoint's error, reduced to the endpoint's own words. */
function describeMessage(message: string): string {
  const description = /Description:\s*(.*?)\s*-\s*Correlation ID/.exec(message)?.[1];
  const prefix = /^([A-Za-z]+Credential):/.exec(message)?.[1];
  if (description && !/Not Available/.test(description)) return redact(prefix ? `${prefix}: ${description}` : description);
  return redact(message.split("\n")[0] ?? message);
}

export function classifyError(error: unknown, source: FailureSource = "resource"): ClassifiedError {
  const links = chain(error);
  const top = links[0];
  const name = text(top?.name) ?? "Error";
  const topMessage = text(top?.message) ?? (typeof error === "string" ? error : "unknown error");
  const allMessages = links.map((link) => text(link.message) ?? "").join("\n");
  const status = links.map((link) => numberOf(link.statusCode) ?? numberOf(link.status)).find((value) => value !== undefined);
  const code = links
    .map((link) => text(link.code) ?? text(link.errorCode))
    .find((value) => value !== undefined && value !== "" && !/^\d+$/.test(value));
  const message = describeMessage(topMessage);
  const result = (category: ErrorCategory): ClassifiedError => ({
    category: source === "identity" && category === "network" ? "identity-unavailable" : category,
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    message,
  });

  if (links.some((link) => link.name === "AbortError" || link.name === "TimeoutError")) return result("timeout");

  // The identity endpoint's verdicts, recognised by its own words (App Service and IMDS).
  if (
    /No User Assigned or Delegated Managed Identity found|No MSI found for specified|Identity not found|user[- ]assigned identity.*not (found|assigned)/i.test(
      allMessages,
    )
  ) {
    return result("identity-not-found");
  }
  if (/AADSTS500011|invalid_resource|invalid_scope|resource principal named .* was not found/i.test(allMessages))
    return result("audience-invalid");

  const isCredentialError = /Credential|AuthenticationError|AggregateAuthenticationError/.test(name);
  if (isCredentialError) {
    if (status !== undefined && (status >= 500 || status === 429)) return result("endpoint-error");
    if (/invalid_json|Unexpected token|JSON|malformed|parse/i.test(allMessages) && !/network/i.test(allMessages))
      return result("endpoint-error");
    if (status === 401 || status === 403) return result("endpoint-error");
    // Unreachable endpoint, identity not enabled, no managed identity on this host at all.
    return result("identity-unavailable");
  }

  // Storage answers a token it cannot authenticate (wrong audience, expired, foreign tenant) with 403
  // AuthenticationFailed: an authentication failure, not a missing role.
  if (status === 401 || (code !== undefined && /^(AuthenticationFailed|InvalidAuthenticationInfo)$/.test(code)))
    return result("unauthorized");
  if (status === 403) return result("forbidden");
  if (status !== undefined && (status >= 500 || status === 429)) return result("endpoint-error");
  if (code !== undefined && networkCodes.has(code)) return result("network");
  if (links.some((link) => link.name === "TypeError" && /fetch failed/i.test(text(link.message) ?? ""))) return result("network");
  return result("unknown");
}

/** A failed check: no answer within its deadline is `timeout`, whatever the callee threw when it was aborted. */
export function classifyCheckFailure(
  failure: { readonly error: unknown; readonly timedOut: boolean },
  source: FailureSource,
): ClassifiedError {
  return failure.timedOut
    ? { category: "timeout", message: "No answer within the check's deadline." }
    : classifyError(failure.error, source);
}
