// When a check that worked (or failed in a known way) is `warn` rather than `pass`/`fail` (DESIGN §3.1).
import type { ErrorCategory } from "../shared/healthReport.js";

export const expiryWarningMs = 5 * 60_000;
/** Microsoft: "New role assignments can take up to 30 minutes to apply" (the design's window). */
export const propagationWindowMs = 30 * 60_000;

/** Slower than half its deadline: the next slow answer may be a timeout. */
export function slowNote(durationMs: number, timeoutMs: number): string | undefined {
  return durationMs > timeoutMs / 2 ? `slow: took more than half of the ${timeoutMs} ms deadline` : undefined;
}

/** A token that expires soon was not refreshed by the credential: the next call may fail. */
export function expiryNote(expiresOn: Date, now: number): string | undefined {
  return expiresOn.getTime() - now < expiryWarningMs ? "the token expires within 5 minutes and was not refreshed" : undefined;
}

/** A 403 soon after the identity's first token is likely a role assignment that is still propagating. */
export function propagationNote(category: ErrorCategory, firstTokenAt: number | undefined, now: number): string | undefined {
  return category === "forbidden" && firstTokenAt !== undefined && now - firstTokenAt < propagationWindowMs
    ? "forbidden within 30 minutes of this identity's first token: likely a role assignment still propagating"
    : undefined;
}
