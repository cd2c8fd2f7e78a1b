// GET /api/health/identity/history?limit=&since= — past timer-probe reports, newest first.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { pageSizeParameter, parseQuery } from "../http/queryParameters.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { serviceCallTimeoutMs } from "../config.js";
import { storage } from "../resources/storage.js";
import { getAppServices } from "../runtime.js";

const query = z.object({
  limit: pageSizeParameter("limit", 100, 20),
  since: z.iso.datetime({ offset: true, message: "since must be an ISO 8601 date-time, e.g. 2026-11-23T12:00:00Z" }).optional(),
});

export async function healthIdentityHistory(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const parsed = parseQuery(request, query);
  if (!parsed.ok) return parsed.response;
  const { history } = await getAppServices();
  if (history.state !== "configured") return unavailable("Probe history", history);
  try {
    const since = parsed.value.since ? new Date(parsed.value.since) : undefined;
    const entries = await history.value.list({
      limit: parsed.value.limit,
      ...(since ? { since } : {}),
      abortSignal: AbortSignal.timeout(serviceCallTimeoutMs),
    });
    return json(200, { reports: entries.map((entry) => ({ blob: entry.name, ...entry.report })) });
  } catch (error) {
    return serviceProblem("Probe history", error, context, storage.failureSignatures);
  }
}
