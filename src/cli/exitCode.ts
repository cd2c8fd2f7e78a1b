// What a pipeline step branches on. 0 and 1 are verdicts about the identities; 2 means there is no
// verdict at all (the command line was wrong, or no report could be had), so a retry or a fix of the
// step itself is the next move, not a fix of the role assignments.
export const exitCodes = {
  /** pass, or warn without --strict. */
  healthy: 0,
  /** fail, or warn with --strict. */
  unhealthy: 1,
  /** Usage error, unreachable URL, an answer that is not a health report, a probe that could not run. */
  noVerdict: 2,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export function exitCodeFor(status: "pass" | "warn" | "fail", options: { readonly strict: boolean }): ExitCode {
  if (status === "fail") return exitCodes.unhealthy;
  if (status === "warn" && options.strict) return exitCodes.unhealthy;
  return exitCodes.healthy;
}
