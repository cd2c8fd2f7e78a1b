// Its own process: what repeated reports send to the identity endpoint. A failed token request is remembered
// (not asked again by the next reports), the raw identity:endpoint check runs at most once per interval, and
// a request that outlived its callers does not hold back the next report.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthIdentity } from "../../src/functions/healthIdentity.js";
import { healthIdentityDetails } from "../../src/functions/healthIdentityDetails.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { getAppServices } from "../../src/runtime.js";
import { invokeHttp } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

const failing = "https://fault-500.example.com";
const hanging = "https://fault-hang.example.com";
const timeoutMs = 1_000;

const details = async (): Promise<HealthReport> => (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
const entryFor = (report: HealthReport, audience: string) =>
  Object.values(report.checks)
    .flat()
    .find((entry) => entry.componentId === audience);

describe("a polite probe", () => {
  let spine: SpineApp;

  beforeAll(async () => {
    spine = await startSpineApp({
      IDENTITY_PROBE_TIMEOUT_MS: String(timeoutMs),
      IDENTITY_PROBE_AUDIENCES: `${failing},${hanging}`,
      // Short, so that the test can see the memory run out.
      IDENTITY_PROBE_FAILURE_MEMORY_SECONDS: "5",
      IDENTITY_PROBE_ENDPOINT_CHECK_INTERVAL_SECONDS: "60",
    });
    await getAppServices();
    spine.identityEndpoint.addFault({ mode: "status", status: 500, resource: failing });
    spine.identityEndpoint.addFault({ mode: "hang", resource: hanging });
  });
  let nextAttemptAt = 0;
  afterAll(async () => {
    await spine?.close();
  });

  const requestsFor = (resource: string): number =>
    spine.identityEndpoint.requests.filter((request) => request.resource === resource).length;

  it("remembers a failed token request: the next reports say so, and send nothing for it", async () => {
    const first = await details();
    const fresh = entryFor(first, failing);
    expect(fresh).toMatchObject({ status: "fail", errorCategory: "endpoint-error" });
    expect(fresh?.remembered).toBeUndefined();
    expect(fresh?.remediation).toMatch(/asks again in \d+ s/);
    const sent = requestsFor(failing);
    expect(sent).toBeGreaterThan(0);

    const second = await details();
    const summary = (await invokeHttp(healthIdentity)).json<HealthReport>();
    expect(requestsFor(failing)).toBe(sent);
    const recalled = entryFor(second, failing);
    expect(recalled).toMatchObject({ status: "fail", errorCategory: "endpoint-error", output: fresh?.output });
    expect(recalled?.remembered?.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(recalled?.remembered?.observedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(fresh?.time ?? ""));
    nextAttemptAt = Date.parse(recalled?.remembered?.nextAttemptAt ?? "");
    expect(recalled?.remediation).toContain("until then reports show this answer, remembered");
    // The anonymous summary says it too (no text, just the memory's times).
    expect(entryFor(summary, failing)?.remembered).toBeDefined();
  });

  it("asks again once the memory runs out, and passes when the endpoint has recovered", async () => {
    spine.identityEndpoint.setFault({ mode: "hang", resource: hanging });
    const sent = requestsFor(failing);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextAttemptAt - Date.now()) + 100));
    const report = await details();
    expect(requestsFor(failing)).toBe(sent + 1);
    expect(entryFor(report, failing)).toMatchObject({ status: "pass", tokenSource: "endpoint" });
  });

  it("runs the raw identity-endpoint check at most once per interval, and says how old its result is", async () => {
    const report = await details();
    const entry = report.checks["identity:endpoint"]?.[0];
    expect(entry?.status).toBe("pass");
    // Asked by the first report of this file, seconds ago; not since.
    expect(entry?.remembered?.ageSeconds).toBeGreaterThanOrEqual(4);
    expect(Date.parse(entry?.remembered?.nextAttemptAt ?? "")).toBeGreaterThan(Date.now());
    const raw = spine.identityEndpoint.requests.filter((request) => request.resource === "https://management.azure.com");
    // One for arm:token (cached since) and one raw call.
    expect(raw).toHaveLength(2);
  });

  it("builds the anonymous summary at most once a second, whoever asks", async () => {
    spine.identityEndpoint.setFault({ mode: "hang", resource: hanging });
    const first = (await invokeHttp(healthIdentity)).json<HealthReport>();
    const again = await Promise.all(Array.from({ length: 20 }, () => invokeHttp(healthIdentity)));
    expect(new Set(again.map((response) => response.json<HealthReport>().time))).toEqual(new Set([first.time]));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const later = (await invokeHttp(healthIdentity)).json<HealthReport>();
    expect(Date.parse(later.time)).toBeGreaterThan(Date.parse(first.time));
  });

  it("does not let a request that outlived its callers hold back the next report's fresh attempt", async () => {
    const hung = await details();
    expect(entryFor(hung, hanging)).toMatchObject({ status: "fail", errorCategory: "timeout" });
    // A timeout says nothing the endpoint answered: it is not remembered.
    expect(entryFor(hung, hanging)?.remembered).toBeUndefined();
    spine.identityEndpoint.setFault(undefined);
    const recovered = await details();
    expect(entryFor(recovered, hanging)).toMatchObject({ status: "pass", tokenSource: "endpoint" });
  });
});
