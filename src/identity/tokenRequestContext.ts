// What the HTTP layer needs to know about the token request it is sending, and what it learns: @azure/identity
// 4.14 does not pass getToken's abort signal on to its HTTP requests (identity-sdk.md §1.7), and MSAL's
// errors drop the response headers, so the request's deadline goes down and its Retry-After comes back up
// through the async context of the one getToken call that sends it.
import { AsyncLocalStorage } from "node:async_hooks";

export interface TokenRequestContext {
  /** Aborts when every caller waiting for this token has given up. */
  readonly abortSignal: AbortSignal;
  /** `waiting`: held back by the identity endpoint's limits; `sent`: a request is out (or was). */
  state: "preparing" | "waiting" | "sent";
  /** Retry-After of the endpoint's last answer, in seconds, when it sent one. */
  retryAfterSeconds: number | undefined;
}

export const tokenRequestContext = new AsyncLocalStorage<TokenRequestContext>();

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,6}$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}
