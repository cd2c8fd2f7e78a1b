import { describe, expect, it } from "vitest";
import { parseReceivedReport } from "../../src/shared/receivedReport.js";
import { summarizeReport } from "../../src/probes/reportSummary.js";
import type { HealthReport } from "../../src/shared/healthReport.js";

const time = "2026-11-23T12:00:00.000Z";
const details: HealthReport = {
  status: "warn",
  version: "1",
  releaseId: "0.1.0",
  serviceId: "local",
  time,
  identity: { source: "IMDS", identities: [{ name: "system", objectId: "o", tenantId: "t" }] },
  checks: {
    "arm:token": [
      { componentId: "https://management.azure.com", componentType: "audience", identity: "system", status: "warn", time, note: "slow" },
    ],
    "config:settings": [
      { componentId: "X", componentType: "system", status: "fail", time, errorCategory: "misconfigured", output: "X is bad" },
    ],
  },
};

describe("parseReceivedReport", () => {
  it("accepts the details report and the summary", () => {
    expect(parseReceivedReport(details)).toMatchObject({ ok: true, report: details });
    expect(parseReceivedReport(summarizeReport(details))).toMatchObject({ ok: true });
  });

  it("keeps what a newer app adds: unknown fields and error categories", () => {
    const newer = {
      ...details,
      links: { self: "x" },
      checks: { "arm:token": [{ ...details.checks["arm:token"]?.[0], errorCategory: "brand-new", extra: 1 }] },
    };
    const parsed = parseReceivedReport(newer);
    expect(parsed).toMatchObject({
      ok: true,
      report: { links: { self: "x" }, checks: { "arm:token": [{ errorCategory: "brand-new", extra: 1 }] } },
    });
  });

  it.each([
    ["null", null, /^body: /],
    ["an array", [], /^body: /],
    ["a problem+json body", { type: "about:blank", title: "Unauthorized", status: 401 }, /^status: /],
    ["an unknown overall status", { ...details, status: "ok" }, /^status: /],
    [
      "an unknown check status",
      { ...details, checks: { "arm:token": [{ componentId: "a", componentType: "audience", status: "up", time }] } },
      /^checks\.arm:token\.0\.status: /,
    ],
    ["checks that are not arrays", { ...details, checks: { "arm:token": { status: "pass" } } }, /^checks\.arm:token: /],
  ])("refuses %s, naming where", (_name, body, reason) => {
    const parsed = parseReceivedReport(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});
