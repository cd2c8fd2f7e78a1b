// Its own process, with limits far below IMDS's: one request at a time and one a second. Most checks cannot
// get their turn before their deadline; they fail on time, say that their request was never sent, and it is
// not sent later either.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthIdentityDetails } from "../../src/functions/healthIdentityDetails.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { getAppServices } from "../../src/runtime.js";
import { invokeHttp } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

const timeoutMs = 1_500;

describe("checks that cannot start before their deadline", () => {
  let spine: SpineApp;
  let report: HealthReport;
  let elapsed: number;

  beforeAll(async () => {
    spine = await startSpineApp({
      IDENTITY_PROBE_TIMEOUT_MS: String(timeoutMs),
      IDENTITY_PROBE_AUDIENCES: "https://vault.azure.net,https://graph.microsoft.com,https://database.windows.net",
      IDENTITY_PROBE_MAX_CONCURRENT_TOKEN_REQUESTS: "1",
      IDENTITY_PROBE_MAX_TOKEN_REQUESTS_PER_SECOND: "1",
    });
    await getAppServices();
    const started = performance.now();
    report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
    elapsed = performance.now() - started;
    // Long enough for any request that was wrongly left queued to go out.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
  });
  afterAll(async () => {
    await spine?.close();
  });

  it("fail on time with category timeout, saying the request waited for its turn", () => {
    expect(elapsed).toBeLessThan(timeoutMs + 1_000);
    const notStarted = Object.values(report.checks)
      .flat()
      .filter((entry) => entry.output?.startsWith(`not started within ${timeoutMs} ms`));
    // 7 token requests and a raw call, 1 a second: at most two can leave within 1.5 s.
    expect(notStarted.length).toBeGreaterThanOrEqual(6);
    for (const entry of notStarted) {
      expect(entry).toMatchObject({ status: "fail", errorCategory: "timeout" });
      expect(entry.remediation).toContain("at most 1 requests at once and 1 per second");
    }
  });

  it("never send the requests that did not get their turn", () => {
    expect(spine.identityEndpoint.requests.length).toBeLessThanOrEqual(2);
  });
});
