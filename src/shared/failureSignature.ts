// A failure signature: how Azure (or the SDK, or the platform) says that something went wrong, what that
// means, and what to do — one row of data, with the public source of the wording. The classifier consults
// the rows (src/probes/failureSignatures.ts and each resource's own, src/resources/*) before it falls back on
// status classes; emulators and tests replay each row's verbatim sample.
import type { ErrorCategory } from "./healthReport.js";

/** Whose failure: a token request to the identity endpoint, or a call to a resource's data plane. */
export type FailureOrigin = "identity" | "resource";

/** What a failure looked like, as the classifier read it from the error. */
export interface FailureEvidence {
  readonly origin: FailureOrigin;
  readonly status?: number;
  /** The error code: `x-ms-error-code`, a JSON `error`/`code`, an MSAL error code or a Node error code. */
  readonly code?: string;
  /** Every message and description along the error's cause chain, joined by newlines. */
  readonly text: string;
  /** Storage's `AuthenticationErrorDetail`: which check a bearer token failed. */
  readonly detail?: string;
  readonly contentType?: string;
  /** Seconds, from a `Retry-After` header. */
  readonly retryAfterSeconds?: number;
}

export interface SignatureMatch {
  readonly origin: FailureOrigin;
  readonly status?: readonly number[];
  readonly code?: RegExp;
  readonly text?: RegExp;
  readonly detail?: RegExp;
}

/** What Azure sent, byte for byte where the source shows it: replayed by the local emulators and the tests. */
export type FailureSample =
  | {
      readonly kind: "http";
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      /** The body as sent; "" where the source shows no body. */
      readonly body: string;
    }
  /** A failure below HTTP: Node's error code and message as a real client sees them. */
  | { readonly kind: "transport"; readonly code: string; readonly message: string };

export interface FailureSignature {
  /** Stable, for tests and fault injection: `appservice-identity-not-loaded`. */
  readonly id: string;
  /** What happened, in a few words. */
  readonly scenario: string;
  readonly match: SignatureMatch;
  readonly category: ErrorCategory;
  /**
   * What to do, as a template: {identity} {clientId} {principal} {role} {scope} {scopeSetting} {endpoint}
   * {endpointSetting} {resource} {audience} {status} {code} {timeoutMs} {retry} {contentType}.
   */
  readonly remediation: string;
  /** A 403 that a new role assignment may still be propagating to (warn within the window, fail after). */
  readonly mayBePropagating?: boolean;
  /** A transient state of the service: the report says when it is asked again. */
  readonly isTransient?: boolean;
  /** Where the wording was seen: issue threads, docs, SDK sources. */
  readonly source: string;
  /** observed: captured in a public issue; documented: Microsoft docs or spec; sdk: SDK source; app: identity-probe's own check. */
  readonly evidence: "observed" | "documented" | "sdk" | "app";
  readonly sample?: FailureSample;
}

/** Whether a row matches what was seen. */
export function matchesSignature(signature: FailureSignature, evidence: FailureEvidence): boolean {
  const { match } = signature;
  if (match.origin !== evidence.origin) return false;
  if (match.status && (evidence.status === undefined || !match.status.includes(evidence.status))) return false;
  if (match.code && (evidence.code === undefined || !match.code.test(evidence.code))) return false;
  if (match.text && !match.text.test(evidence.text)) return false;
  if (match.detail && (evidence.detail === undefined || !match.detail.test(evidence.detail))) return false;
  return true;
}
