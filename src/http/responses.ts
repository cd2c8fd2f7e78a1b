// Response shapes shared by the functions: JSON, health+json, and the 503 for an unconfigured resource.
import type { HttpResponseInit } from "@azure/functions";
import { describeUnavailable, type ResourceState } from "../config.js";
import { httpStatusFor } from "../probes/reportSummary.js";
import type { HealthReport } from "../shared/healthReport.js";
import { problem } from "./problem.js";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

/** Reports do not change once built, and concurrent callers share one: each is serialized once. */
const serializedReports = new WeakMap<HealthReport, string>();

export function healthResponse(report: HealthReport): HttpResponseInit {
  let body = serializedReports.get(report);
  if (body === undefined) {
    body = JSON.stringify(report);
    serializedReports.set(report, body);
  }
  return {
    status: httpStatusFor(report.status),
    headers: { "content-type": "application/health+json", "cache-control": "no-store" },
    body,
  };
}

/** The 503 of a function whose resource is not configured, or configured wrongly, naming the settings. */
export function unavailable(resource: string, state: Exclude<ResourceState<unknown>, { state: "configured" }>): HttpResponseInit {
  const { reason, settings } = describeUnavailable(state);
  return problem(503, `${resource} not configured`, reason, { settings });
}
