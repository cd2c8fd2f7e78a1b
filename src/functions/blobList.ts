// GET /api/blobs?prefix=&limit=&continuation= — one page of blob names.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { RestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import { problem } from "../http/problem.js";
import { pageSizeParameter, parseQuery } from "../http/queryParameters.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { serviceCallTimeoutMs } from "../config.js";
import { storage } from "../resources/storage.js";
import { getService } from "../runtime.js";

const query = z.object({
  prefix: z
    .string()
    .max(1024, "prefix must be at most 1024 characters")
    .refine((value) => !/[\p{Cc}\\]/u.test(value), "prefix must not contain control characters or backslashes")
    .optional(),
  limit: pageSizeParameter("limit", 1000, 100),
  continuation: z
    .string()
    .max(4096, "continuation is too long")
    .regex(/^[\w+/=.!*-]+$/, "continuation must be a token from a previous page")
    .optional(),
});

export async function blobList(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const parsed = parseQuery(request, query);
  if (!parsed.ok) return parsed.response;
  const service = await getService(storage);
  if (service.state !== "configured") return unavailable(storage.displayName, service);
  try {
    const page = await service.value.blobs.list({ ...parsed.value, abortSignal: AbortSignal.timeout(serviceCallTimeoutMs) });
    return json(200, page);
  } catch (error) {
    // Storage refuses a continuation token it did not issue: that is the caller's input, not our failure.
    if (error instanceof RestError && error.statusCode === 400)
      return problem(400, "Invalid query parameter", "'continuation' is not a token from a previous page.");
    return serviceProblem(storage.displayName, error, context, storage.failureSignatures);
  }
}
