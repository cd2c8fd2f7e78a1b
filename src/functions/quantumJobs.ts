// POST /api/quantum/jobs — submit an ionq.circuit.v1 circuit (202 + Location); GET /api/quantum/jobs — list.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { problem } from "../http/problem.js";
import { parseQuery } from "../http/queryParameters.js";
import { parseJson, readBodyWithLimit } from "../http/readBody.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { getAppServices } from "../runtime.js";
import { parseIonqSubmission } from "../services/quantum/ionqCircuit.js";
import { isQuantumInputError } from "../services/quantum/quantumInputError.js";

export const maxJobBodyBytes = 256 * 1024;
const listQuery = z.object({
  top: z.coerce
    .number("top must be a number")
    .int("top must be a whole number")
    .min(1, "top must be at least 1")
    .max(100, "top must be at most 100")
    .default(20),
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
  const parsedJson = parseJson(read.body);
  if (!parsedJson.ok) return problem(400, "Invalid body", parsedJson.message);
  const parsed = parseIonqSubmission(parsedJson.value);
  if (!parsed.ok) return problem(400, "Invalid job", parsed.message);
  const { quantum } = await getAppServices();
  if (quantum.state !== "configured") return unavailable("Azure Quantum", quantum);
  try {
    const job = await quantum.service.submitJob({ ...parsed.value, abortSignal: AbortSignal.timeout(30_000) });
    return json(202, job, { location: `/api/quantum/jobs/${encodeURIComponent(job.id)}` });
  } catch (error) {
    if (isQuantumInputError(error)) return problem(400, "Invalid job", error.message);
    return serviceProblem("Azure Quantum", error, context);
  }
}

async function listJobs(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const parsed = parseQuery(request, listQuery);
  if (!parsed.ok) return parsed.response;
  const { quantum } = await getAppServices();
  if (quantum.state !== "configured") return unavailable("Azure Quantum", quantum);
  try {
    return json(200, await quantum.service.listJobs({ ...parsed.value, abortSignal: AbortSignal.timeout(30_000) }));
  } catch (error) {
    if (isQuantumInputError(error)) return problem(400, "Invalid query parameter", error.message);
    return serviceProblem("Azure Quantum", error, context);
  }
}
