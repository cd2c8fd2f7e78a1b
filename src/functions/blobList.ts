// GET /api/blobs?prefix=&limit=&continuation= — one page of blob names.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { RestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import { problem } from "../http/problem.js";
import { parseQuery } from "../http/queryParameters.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { getAppServices } from "../runtime.js";

const query = z.object({
  prefix: z
    .string()
    .max(1024, "prefix must be at most 1024 characters")
    .refine((value) => !/[\p{Cc}\\]/u.test(value), "prefix must not contain control characters or backslashes")
    .optional(),
  limit: z.coerce
    .number("limit must be a number")
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(1000, "limit must be at most 1000")
    .default(100),
  continuation: z
    .string()
    .max(4096, "continuation is too long")
    .regex(/^[\w+/=.!*-]+$/, "continuation must be a token from a previous page")
    .optional(),
});

export async function blobList(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const parsed = parseQuery(request, query);
  if (!parsed.ok) return parsed.response;
  const { blobs } = await getAppServices();
  if (blobs.state !== "configured") return unavailable("Blob Storage", blobs);
  try {
    const page = await blobs.service.list({ ...parsed.value, abortSignal: AbortSignal.timeout(30_000) });
    return json(200, page);
  } catch (error) {
    // Storage refuses a continuation token it did not issue: that is the caller's input, not our failure.
    if (error instanceof RestError && error.statusCode === 400)
      return problem(400, "Invalid query parameter", "'continuation' is not a token from a previous page.");
    return serviceProblem("Blob Storage", error, context);
  }
}
