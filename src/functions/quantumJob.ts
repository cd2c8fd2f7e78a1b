// GET /api/quantum/jobs/{id} — status (+ results histogram once Succeeded); DELETE — cancel.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { isRestError } from "@azure/core-rest-pipeline";
import { problem } from "../http/problem.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { serviceCallTimeoutMs } from "../config.js";
import { quantum } from "../resources/quantum.js";
import { isGuid } from "../shared/guid.js";
import { getService } from "../runtime.js";

export async function quantumJob(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? "";
  // Job IDs are the UUIDs this app creates (the Quantum SDKs do the same).
  if (!isGuid(id)) return problem(400, "Invalid job ID", "The job ID must be a UUID, as returned by POST /api/quantum/jobs.");
  const service = await getService(quantum);
  if (service.state !== "configured") return unavailable(quantum.displayName, service);
  try {
    const abortSignal = AbortSignal.timeout(serviceCallTimeoutMs);
    const job =
      request.method === "DELETE" ? await service.value.cancelJob(id, { abortSignal }) : await service.value.getJob(id, { abortSignal });
    return json(200, job);
  } catch (error) {
    if (isRestError(error) && error.statusCode === 404) return problem(404, "Job not found", `There is no job ${id} in the workspace.`);
    if (isRestError(error) && error.statusCode === 409) return problem(409, "Job cannot be cancelled", `Job ${id} has already finished.`);
    return serviceProblem(quantum.displayName, error, context, quantum.failureSignatures);
  }
}
