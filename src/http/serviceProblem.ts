// Maps a failed call to a dependency (Storage, Web PubSub, Quantum) to a response: the client did
// nothing wrong, so never a 4xx, and never a bare 500 — 502 or 504 with the error category and where to
// look. The detail carries the category and status, never the SDK's raw message (it may quote URLs with SAS).
import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import { classifyError } from "../probes/classifyError.js";
import type { FailureSignature } from "../shared/failureSignature.js";
import { problem } from "./problem.js";

export function serviceProblem(
  resource: string,
  error: unknown,
  context: InvocationContext,
  signatures: readonly FailureSignature[] = [],
): HttpResponseInit {
  const classified = classifyError(error, "resource", signatures);
  context.warn(
    `${resource} call failed: ${classified.category}${classified.status ? ` ${classified.status}` : ""}${classified.code ? ` ${classified.code}` : ""}: ${classified.message}`,
  );
  const status = classified.category === "timeout" ? 504 : 502;
  return problem(
    status,
    `${resource} call failed`,
    `The app could not complete the call to ${resource} (${classified.category}${classified.status ? `, ${classified.status}` : ""}${classified.code ? ` ${classified.code}` : ""}). GET /api/health/identity/details shows why and what to do.`,
    { errorCategory: classified.category },
  );
}
