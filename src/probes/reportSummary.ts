// The report's roll-up and its anonymous summary (DESIGN §3.1): statuses decide the HTTP status, and the
// summary keeps only what a monitor needs.
import { componentOfCheckKey, type CheckEntry, type HealthReport, type OverallStatus } from "../shared/healthReport.js";

export function overallStatus(checks: Readonly<Record<string, readonly CheckEntry[]>>): OverallStatus {
  let status: OverallStatus = "pass";
  for (const entries of Object.values(checks)) {
    for (const entry of entries) {
      if (entry.status === "fail") return "fail";
      if (entry.status === "warn") status = "warn";
    }
  }
  return status;
}

/** Health+json maps `fail` to 503 so that load balancers and monitors see it without parsing. */
export function httpStatusFor(status: OverallStatus): 200 | 503 {
  return status === "fail" ? 503 : 200;
}

/**
 * The anonymous summary: statuses, timings and error categories only — no identity block, no client,
 * object or tenant IDs, no resource names, no error text or remediation.
 */
export function summarizeReport(report: HealthReport): HealthReport {
  const checks: Record<string, CheckEntry[]> = {};
  for (const [key, entries] of Object.entries(report.checks)) {
    // identity:endpoint is present only in reports that ran it (details, the timer): its status may be
    // published; the endpoint's address may not.
    if (key === "config:settings") continue;
    checks[key] = entries.map((entry) => {
      const summary: CheckEntry = {
        // Audiences are public constants; resource endpoints name accounts, so only the kind is kept.
        componentId:
          entry.componentType === "audience"
            ? entry.componentId
            : key === "identity:endpoint"
              ? "identity-endpoint"
              : componentOfCheckKey(key),
        componentType: entry.componentType,
        status: entry.status,
        time: entry.time,
        ...(entry.identity !== undefined ? { identity: entry.identity } : {}),
        ...(entry.observedValue !== undefined ? { observedValue: entry.observedValue, observedUnit: entry.observedUnit ?? "ms" } : {}),
        ...(entry.tokenSource !== undefined ? { tokenSource: entry.tokenSource } : {}),
        ...(entry.expiresOn !== undefined ? { expiresOn: entry.expiresOn } : {}),
        ...(entry.errorCategory !== undefined ? { errorCategory: entry.errorCategory } : {}),
        ...(entry.remembered !== undefined ? { remembered: entry.remembered } : {}),
      };
      return summary;
    });
  }
  const misconfigured = report.checks["config:settings"]?.length ?? 0;
  if (misconfigured > 0) {
    checks["config:settings"] = [
      { componentId: "settings", componentType: "system", status: "fail", errorCategory: "misconfigured", time: report.time },
    ];
  }
  return {
    status: report.status,
    version: report.version,
    releaseId: report.releaseId,
    serviceId: report.serviceId,
    time: report.time,
    checks,
  };
}
