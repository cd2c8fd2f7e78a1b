// Its own process: the identity endpoint hangs from the first request, before MSAL has cached a token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthIdentityDetails } from "../../src/functions/healthIdentityDetails.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { getAppServices } from "../../src/runtime.js";
import { invokeHttp } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

const timeoutMs = 1500;

describe("a hung identity endpoint", () => {
  let spine: SpineApp;
  beforeAll(async () => {
    spine = await startSpineApp({ IDENTITY_PROBE_TIMEOUT_MS: String(timeoutMs) });
    spine.identityEndpoint.setFault({ mode: "hang" });
    // Load the app's modules first: the deadline is about the report, not about importing the SDKs.
    await getAppServices();
  });
  afterAll(async () => {
    await spine?.close();
  });

  it("makes the report fail on time with category timeout", async () => {
    const started = performance.now();
    const response = await invokeHttp(healthIdentityDetails);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(timeoutMs + 500);
    expect(response.status).toBe(503);
    const report = response.json<HealthReport>();
    expect(report.status).toBe("fail");
    for (const key of ["storage:token", "arm:token", "identity:endpoint", "storage:access"]) {
      expect(report.checks[key]?.[0]).toMatchObject({ status: "fail", errorCategory: "timeout" });
    }
    expect(report.checks["arm:token"]?.[0]?.remediation).toMatch(/IDENTITY_PROBE_TIMEOUT_MS/);
  });
});
