// GET /api/quantum/jobs/{id} — status (+ results histogram once Succeeded); DELETE — cancel.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { isRestError } from "@azure/core-rest-pipeline";
import { problem } from "../http/problem.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { getAppServices } from "../runtime.js";

// Job IDs are the UUIDs this app creates (the Quantum SDKs do the same).
const jobId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function quantumJob(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? "";
  if (!jobId.test(id)) return problem(400, "Invalid job ID", "The job ID must be a UUID, as returned by POST /api/quantum/jobs.");
  const { quantum } = await getAppServices();
  if (quantum.state !== "configured") return unavailable("Azure Quantum", quantum);
  try {
    const abortSignal = AbortSignal.timeout(30_000);
    const job =
      request.method === "DELETE"
        ? await quantum.service.cancelJob(id, { abortSignal })
        : await quantum.service.getJob(id, { abortSignal });
    return json(200, job);
  } catch (error) {
    if (isRestError(error) && error.statusCode === 404) return problem(404, "Job not found", `There is no job ${id} in the workspace.`);
    if (isRestError(error) && error.statusCode === 409) return problem(409, "Job cannot be cancelled", `Job ${id} has already finished.`);
    return serviceProblem("Azure Quantum", error, context);
  }
}
