// Its own process: each fault hits an audience this process has never fetched, so MSAL's cache cannot
// hide it. The report must come back on time and name each failure's category.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fault } from "../../local/identity/identityEndpoint.js";
import { healthIdentityDetails } from "../../src/functions/healthIdentityDetails.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { getAppServices } from "../../src/runtime.js";
import { invokeHttp } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

const timeoutMs = 5000;
const cases: { audience: string; fault: Fault; category: string }[] = [
  { audience: "https://fault-500.example.com", fault: { mode: "status", status: 500 }, category: "endpoint-error" },
  { audience: "https://fault-429.example.com", fault: { mode: "status", status: 429 }, category: "endpoint-error" },
  { audience: "https://fault-503.example.com", fault: { mode: "status", status: 503 }, category: "endpoint-error" },
  { audience: "https://fault-malformed.example.com", fault: { mode: "malformed" }, category: "endpoint-error" },
  { audience: "https://fault-hang.example.com", fault: { mode: "hang" }, category: "timeout" },
  { audience: "https://fault-expired.example.com", fault: { mode: "expired" }, category: "endpoint-error" },
];

describe("identity endpoint faults on audiences never fetched before", () => {
  let spine: SpineApp;
  let report: HealthReport;
  let elapsed: number;

  beforeAll(async () => {
    spine = await startSpineApp({
      IDENTITY_PROBE_TIMEOUT_MS: String(timeoutMs),
      IDENTITY_PROBE_AUDIENCES: cases.map((item) => item.audience).join(","),
      // The last test sets a fault for the raw identity-endpoint check seconds after the first report: asked
      // afresh in every report (the default asks at most once a minute).
      IDENTITY_PROBE_ENDPOINT_CHECK_INTERVAL_SECONDS: "0",
    });
    await getAppServices();
    for (const item of cases) spine.identityEndpoint.addFault({ ...item.fault, resource: item.audience });
    const started = performance.now();
    report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
    elapsed = performance.now() - started;
  });
  afterAll(async () => {
    await spine?.close();
  });

  it("answers within the deadline plus 500 ms", () => {
    expect(elapsed).toBeLessThan(timeoutMs + 500);
    expect(report.status).toBe("fail");
  });

  it.each(cases)("reports $fault.mode $fault.status as $category", ({ audience, category }) => {
    const entry = Object.values(report.checks)
      .flat()
      .find((candidate) => candidate.componentId === audience);
    expect(entry).toMatchObject({ status: "fail", errorCategory: category });
    expect(entry?.remediation).toBeTruthy();
  });

  it("points at the audience when only some of an identity's audiences fail", () => {
    const failing = report.checks["fault-500:token"]?.[0];
    expect(failing?.note).toContain("only this audience fails for this identity");
  });

  it("refuses an already expired token, and says so", () => {
    const entry = report.checks["fault-expired:token"]?.[0];
    expect(entry?.output).toBe("TokenExpired");
    expect(entry?.remediation).toContain("already expired");
  });

  it("fails the raw identity-endpoint check when the endpoint hands out an expired token, while the cached token still passes", async () => {
    spine.identityEndpoint.addFault({ mode: "expired", resource: "https://management.azure.com" });
    try {
      const next = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
      expect(next.checks["arm:token"]?.[0]).toMatchObject({ status: "pass", tokenSource: "cache" });
      expect(next.checks["identity:endpoint"]?.[0]).toMatchObject({
        status: "fail",
        errorCategory: "endpoint-error",
        output: "TokenExpired",
      });
    } finally {
      spine.identityEndpoint.setFault(undefined);
    }
  });

  it("keeps the audiences without a fault passing", () => {
    expect(report.checks["arm:token"]?.[0]?.status).toBe("pass");
    expect(report.checks["storage:access"]?.[0]?.status).toBe("pass");
  });
});
