// POST /api/quantum/jobs — submit an ionq.circuit.v1 circuit (202 + Location); GET /api/quantum/jobs — list.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { isRestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import { problem } from "../http/problem.js";
import { pageSizeParameter, parseQuery } from "../http/queryParameters.js";
import { parseJson, readBodyWithLimit } from "../http/readBody.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { serviceCallTimeoutMs } from "../config.js";
import { quantum } from "../resources/quantum.js";
import { getService } from "../runtime.js";
import { parseIonqSubmission } from "../services/quantum/ionqCircuit.js";
import { isQuantumInputError } from "../services/quantum/quantumInputError.js";

export const maxJobBodyBytes = 256 * 1024;
const listQuery = z.object({
  top: pageSizeParameter("top", 100, 20),
  continuation: z
    .string()
    .max(4096, "continuation is too long")
    .regex(/^[\w+/=.:%-]+$/, "continuation must be a token from a previous page")
    .optional(),
});

export async function quantumJobs(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  if (request.method === "GET") return listJobs(request, context);
  const read = await readBodyWithLimit(request, maxJobBodyBytes);
  if (!read.ok) return problem(413, "Body too large", `Job submissions are limited to ${maxJobBodyBytes} bytes.`);
  const parsedJson = parseJson(read.bytes);
  if (!parsedJson.ok) return problem(400, "Invalid body", parsedJson.message);
  const parsed = parseIonqSubmission(parsedJson.value);
  if (!parsed.ok) return problem(400, "Invalid job", parsed.message);
  const service = await getService(quantum);
  if (service.state !== "configured") return unavailable(quantum.displayName, service);
  try {
    const job = await service.value.submitJob({ ...parsed.value, abortSignal: AbortSignal.timeout(serviceCallTimeoutMs) });
    return json(202, job, { location: `/api/quantum/jobs/${encodeURIComponent(job.id)}` });
  } catch (error) {
    if (isQuantumInputError(error)) return problem(400, "Invalid job", error.message);
    return serviceProblem(quantum.displayName, error, context, quantum.failureSignatures);
  }
}

async function listJobs(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const parsed = parseQuery(request, listQuery);
  if (!parsed.ok) return parsed.response;
  const service = await getService(quantum);
  if (service.state !== "configured") return unavailable(quantum.displayName, service);
  try {
    return json(200, await service.value.listJobs({ ...parsed.value, abortSignal: AbortSignal.timeout(serviceCallTimeoutMs) }));
  } catch (error) {
    if (isQuantumInputError(error)) return problem(400, "Invalid query parameter", error.message);
    // The continuation is the caller's: a page link the service refuses (400) was not one it issued.
    if (parsed.value.continuation !== undefined && isRestError(error) && error.statusCode === 400)
      return problem(400, "Invalid query parameter", "'continuation' is not a token from a previous page.");
    return serviceProblem(quantum.displayName, error, context, quantum.failureSignatures);
  }
}
