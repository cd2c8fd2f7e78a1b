import { describe, expect, it } from "vitest";
import { httpStatusFor, overallStatus, summarizeReport } from "../../src/probes/reportSummary.js";
import type { CheckEntry, HealthReport } from "../../src/shared/healthReport.js";

const time = "2026-11-23T12:00:00.000Z";
const entry = (overrides: Partial<CheckEntry>): CheckEntry => ({
  componentId: "https://storage.azure.com",
  componentType: "audience",
  status: "pass",
  time,
  ...overrides,
});

describe("health report status", () => {
  it.each([
    [["pass", "pass"], "pass"],
    [["pass", "skipped"], "pass"],
    [["pass", "warn"], "warn"],
    [["warn", "fail"], "fail"],
    [["skipped"], "pass"],
    [[], "pass"],
  ] as const)("rolls %j up to %s", (statuses, expected) => {
    expect(overallStatus({ "storage:token": statuses.map((status) => entry({ status })) })).toBe(expected);
  });

  it.each([
    ["pass", 200],
    ["warn", 200],
    ["fail", 503],
  ] as const)("answers %s with HTTP %i", (status, code) => {
    expect(httpStatusFor(status)).toBe(code);
  });
});

describe("the anonymous summary", () => {
  const report: HealthReport = {
    status: "fail",
    version: "1",
    releaseId: "1.0.0",
    serviceId: "app",
    time,
    identity: {
      source: "AppService",
      identities: [{ name: "system", objectId: "oid-secret", tenantId: "tid-secret", clientId: "cid-secret" }],
    },
    checks: {
      "storage:token": [entry({ identity: "system", observedValue: 5, observedUnit: "ms", tokenSource: "cache", expiresOn: time })],
      "storage:access": [
        entry({
          componentId: "https://acct.blob.core.windows.net/identity-probe",
          componentType: "datastore",
          identity: "system",
          status: "fail",
          errorCategory: "forbidden",
          output: "403 AuthorizationPermissionMismatch",
          remediation: "Assign 'Storage Blob Data Contributor' to principal oid-secret",
          note: "likely propagating",
        }),
      ],
      "identity:endpoint": [entry({ componentId: "http://localhost:4141/msi/token", componentType: "system", identity: "system" })],
      "config:settings": [
        entry({
          componentId: "IDENTITY_PROBE_TIMEOUT_MS",
          componentType: "system",
          status: "fail",
          errorCategory: "misconfigured",
          output: "IDENTITY_PROBE_TIMEOUT_MS must be …",
        }),
      ],
    },
  };
  const summary = summarizeReport(report);
  const text = JSON.stringify(summary);

  it("drops the identity block, outputs, remediation, notes, IDs, resource names and setting names", () => {
    expect(summary.identity).toBeUndefined();
    for (const hidden of [
      "oid-secret",
      "tid-secret",
      "cid-secret",
      "AuthorizationPermissionMismatch",
      "Assign",
      "acct.blob",
      "localhost:4141",
      "IDENTITY_PROBE_TIMEOUT_MS",
      "propagating",
    ]) {
      expect(text).not.toContain(hidden);
    }
  });

  it("keeps statuses, timings, categories and the audience URIs", () => {
    expect(summary.status).toBe("fail");
    expect(summary.checks["storage:token"]?.[0]).toMatchObject({
      componentId: "https://storage.azure.com",
      status: "pass",
      observedValue: 5,
      tokenSource: "cache",
    });
    expect(summary.checks["storage:access"]?.[0]).toMatchObject({ componentId: "storage", status: "fail", errorCategory: "forbidden" });
    expect(summary.checks["identity:endpoint"]?.[0]).toMatchObject({ componentId: "identity-endpoint", status: "pass" });
    expect(summary.checks["config:settings"]?.[0]).toMatchObject({ componentId: "settings", errorCategory: "misconfigured" });
  });
});
