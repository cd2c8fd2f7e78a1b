// The one classifier (DESIGN §3.1): from whatever a check threw to a category, through the failure-signature
// table first (what Azure, the SDK and the platform are known to say, each row with its source) and status
// classes second. ManagedIdentityCredential (@azure/identity 4.14) wraps every failure in
// CredentialUnavailableError, with MSAL's error as the cause: the HTTP status is the cause's `status`, the
// endpoint's `error` its `errorCode`, and the endpoint's own words sit in the message after "Description:".
import type { FailureEvidence, FailureOrigin, FailureSignature } from "../shared/failureSignature.js";
import { matchesSignature } from "../shared/failureSignature.js";
import type { ErrorCategory } from "../shared/healthReport.js";
import { parseRetryAfter } from "../identity/tokenRequestContext.js";
import { identitySignatures, transportSignatures } from "./failureSignatures.js";

export interface ClassifiedError {
  readonly category: ErrorCategory;
  readonly status?: number;
  readonly code?: string;
  /** A short description safe to show: the SDK's message with anything token-like removed. */
  readonly message: string;
  /** The row of the signature table that matched, if one did. */
  readonly signature?: FailureSignature;
  /** Whose failure it turned out to be: a resource call that failed getting its token is an identity failure. */
  readonly origin: FailureOrigin;
  readonly evidence: FailureEvidence;
}

interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly status?: unknown;
  readonly errorCode?: unknown;
  readonly errorMessage?: unknown;
  readonly cause?: unknown;
  readonly details?: unknown;
  readonly response?: unknown;
  readonly contentType?: unknown;
  readonly retryAfterSeconds?: unknown;
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
  const description = /Description:\s*(.*?)\s*-\s*Correlation ID/s.exec(message)?.[1];
  const prefix = /^([A-Za-z]+Credential):/.exec(message)?.[1];
  if (description && !/Not Available/.test(description)) {
    const firstLine = description.split("\n")[0] ?? description;
    return redact(prefix ? `${prefix}: ${firstLine}` : firstLine);
  }
  return redact(message.split("\n")[0] ?? message);
}

/** A response header from a core-rest-pipeline RestError. */
function responseHeader(link: ErrorLike, name: string): string | undefined {
  const response = asErrorLike(link.response) as { headers?: { get?: (name: string) => string | undefined } } | undefined;
  const value = response?.headers?.get?.(name);
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Storage's AuthenticationErrorDetail, from the parsed error body the Storage SDK puts in `details`. */
function authenticationDetail(links: readonly ErrorLike[]): string | undefined {
  for (const link of links) {
    const details = asErrorLike(link.details) as Record<string, unknown> | undefined;
    const detail = details?.authenticationErrorDetail ?? details?.AuthenticationErrorDetail;
    if (typeof detail === "string" && detail.length > 0) return detail;
  }
  return undefined;
}

/** The content type of a non-token 200, from the headers @azure/identity quotes in its message. */
function quotedContentType(allText: string): string | undefined {
  const headers = /Headers: (\{.*?\})(?: - Correlation ID|$)/s.exec(allText)?.[1];
  if (!headers) return undefined;
  try {
    const parsed: unknown = JSON.parse(headers);
    const value = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)["content-type"] : undefined;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Credentials throw these when they cannot get a token; a resource call that throws one never reached the resource. */
function isCredentialError(links: readonly ErrorLike[]): boolean {
  return links.some((link) => /Credential|AuthenticationError|AuthenticationRequiredError|TokenRejectedError/.test(text(link.name) ?? ""));
}

/** What the error says, read the same way whoever threw it. */
export function readEvidence(error: unknown, origin: FailureOrigin): FailureEvidence {
  const links = chain(error);
  const allText = links
    .flatMap((link) => [text(link.message), text(link.errorMessage)])
    .filter((part): part is string => part !== undefined)
    .join("\n");
  const status =
    links.map((link) => numberOf(link.statusCode) ?? numberOf(link.status)).find((value) => value !== undefined) ??
    numberOf(Number(/Http status code: (\d{3})/.exec(allText)?.[1]));
  const code = links.map((link) => text(link.code) ?? text(link.errorCode)).find((value) => value !== undefined && !/^\d+$/.test(value));
  const detail = authenticationDetail(links);
  const contentType =
    links.map((link) => text(link.contentType) ?? responseHeader(link, "content-type")).find((value) => value !== undefined) ??
    quotedContentType(allText);
  const retryAfterSeconds =
    links.map((link) => numberOf(link.retryAfterSeconds)).find((value) => value !== undefined) ??
    links.map((link) => parseRetryAfter(responseHeader(link, "retry-after"))).find((value) => value !== undefined);
  return {
    origin,
    text: allText,
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(detail !== undefined ? { detail } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}

/** No row matched: the status class decides, as the HTTP semantics say. */
export function fallbackCategory(evidence: FailureEvidence, fromCredential: boolean): ErrorCategory {
  const { status, origin } = evidence;
  if (origin === "identity") {
    if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return "endpoint-error";
    if (status !== undefined) return "unknown";
    // No HTTP answer at all and a credential saying so: there is no managed identity endpoint here.
    return fromCredential ? "identity-unavailable" : "unknown";
  }
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return "endpoint-error";
  if (/fetch failed/i.test(evidence.text)) return "network";
  return "unknown";
}

/**
 * Classifies what a check or a service call threw. `origin` says what was called; `signatures` are the
 * called resource's own rows, consulted before the shared ones.
 */
export function classifyError(
  error: unknown,
  origin: FailureOrigin = "resource",
  signatures: readonly FailureSignature[] = [],
): ClassifiedError {
  const links = chain(error);
  const top = links[0];
  const topMessage = text(top?.message) ?? (typeof error === "string" ? error : "unknown error");
  // A resource call whose token request failed never reached the resource: it is the identity's failure,
  // classified exactly as the token check of the same identity is.
  const effectiveOrigin: FailureOrigin = origin === "resource" && isCredentialError(links) ? "identity" : origin;
  const evidence = readEvidence(error, effectiveOrigin);
  const common = {
    origin: effectiveOrigin,
    evidence,
    message: describeMessage(topMessage),
    ...(evidence.status !== undefined ? { status: evidence.status } : {}),
    ...(evidence.code !== undefined ? { code: evidence.code } : {}),
  };
  if (links.some((link) => link.name === "AbortError" || link.name === "TimeoutError")) return { ...common, category: "timeout" };
  const signature = matchingSignature(evidence, signatures);
  if (signature) return { ...common, category: signature.category, signature };
  return { ...common, category: fallbackCategory(evidence, isCredentialError(links)) };
}

/** The first row that describes what was seen: the resource's own rows, then the shared ones of its origin. */
export function matchingSignature(evidence: FailureEvidence, signatures: readonly FailureSignature[] = []): FailureSignature | undefined {
  const rows = evidence.origin === "resource" ? [...signatures, ...transportSignatures] : identitySignatures;
  return rows.find((row) => matchesSignature(row, evidence));
}

/** A failed check: no answer within its deadline is `timeout`, whatever the callee threw when it was aborted. */
export function classifyCheckFailure(
  failure: { readonly error: unknown; readonly timedOut: boolean },
  origin: FailureOrigin,
  signatures: readonly FailureSignature[] = [],
): ClassifiedError {
  if (!failure.timedOut) return classifyError(failure.error, origin, signatures);
  return { category: "timeout", origin, message: "No answer within the check's deadline.", evidence: { origin, text: "" } };
}
