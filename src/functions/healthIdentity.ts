// GET /api/health/identity — anonymous summary for monitors: statuses, timings and error categories.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { healthResponse } from "../http/responses.js";
import { summarizeReport } from "../probes/reportSummary.js";
import { getAppServices } from "../runtime.js";

export async function healthIdentity(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const { identityHealth } = await getAppServices();
  const report = await identityHealth.getReport({ includeIdentityEndpoint: false });
  return healthResponse(summarizeReport(report));
}
