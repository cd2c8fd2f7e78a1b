// When a check that worked (or failed in a known way) is `warn` rather than `pass`/`fail` (DESIGN §3.1).

export const expiryWarningMs = 5 * 60_000;
/** The design's window for a new role assignment to apply (Microsoft's guidance said 30 minutes, now "up to 10"). */
export const propagationWindowMs = 30 * 60_000;

/** Slower than half its deadline: the next slow answer may be a timeout. */
export function slowNote(durationMs: number, timeoutMs: number): string | undefined {
  return durationMs > timeoutMs / 2 ? `slow: took more than half of the ${timeoutMs} ms deadline` : undefined;
}

/** A token that expires soon was not refreshed by the credential: the next call may fail. */
export function expiryNote(expiresOn: Date, now: number): string | undefined {
  return expiresOn.getTime() - now < expiryWarningMs ? "the token expires within 5 minutes and was not refreshed" : undefined;
}

function describeAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}

/**
 * A 403 that a role assignment may not have reached yet: `warn` while it has been seen for less than the
 * window (counted from the first time it was seen, in the history too, so a restart does not reset it),
 * `fail` after. The note says since when.
 */
export function forbiddenNote(since: number, now: number): { readonly isLikelyPropagating: boolean; readonly text: string } {
  const age = Math.max(0, now - since);
  const seen = `forbidden since ${new Date(since).toISOString()} (${describeAge(age)})`;
  return age < propagationWindowMs
    ? { isLikelyPropagating: true, text: `${seen}: likely a role assignment still propagating` }
    : { isLikelyPropagating: false, text: `${seen}: longer than a role assignment takes to apply` };
}

/** One audience failing while the identity's others pass: the audience is the cause, not the endpoint. */
export const singleAudienceNote =
  "only this audience fails for this identity: the audience (or its resource in Microsoft Entra ID) is the likely cause, not the identity endpoint";
