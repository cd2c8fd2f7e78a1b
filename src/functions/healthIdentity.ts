// GET /api/health/identity — anonymous summary for monitors: statuses, timings and error categories.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { healthResponse } from "../http/responses.js";
import { summarizeReport } from "../probes/reportSummary.js";
import type { HealthReport } from "../shared/healthReport.js";
import { getAppServices } from "../runtime.js";

/** The summary of each report, made once: concurrent requests share one report. */
const summaries = new WeakMap<HealthReport, HealthReport>();

export async function healthIdentity(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const { identityHealth } = await getAppServices();
  const report = await identityHealth.getReport({ includeIdentityEndpoint: false });
  let summary = summaries.get(report);
  if (!summary) {
    summary = summarizeReport(report);
    summaries.set(report, summary);
  }
  return healthResponse(summary);
}
