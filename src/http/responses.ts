// Response shapes shared by the functions: JSON, health+json, and the 503 for an unconfigured resource.
import type { HttpResponseInit } from "@azure/functions";
import type { Available } from "../composition.js";
import { httpStatusFor, type HealthReport } from "../probes/healthReport.js";
import { problem } from "./problem.js";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

export function healthResponse(report: HealthReport): HttpResponseInit {
  return {
    status: httpStatusFor(report.status),
    headers: { "content-type": "application/health+json", "cache-control": "no-store" },
    body: JSON.stringify(report),
  };
}

export function unavailable(resource: string, availability: Extract<Available<unknown>, { state: "unavailable" }>): HttpResponseInit {
  return problem(503, `${resource} not configured`, availability.reason, { settings: availability.settings });
}
