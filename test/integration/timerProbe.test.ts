import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Timer } from "@azure/functions";
import { BlobServiceClient } from "@azure/storage-blob";
import { ManagedIdentityCredential } from "@azure/identity";
import { healthIdentityHistory } from "../../src/functions/healthIdentityHistory.js";
import { identityProbeTimer } from "../../src/functions/identityProbeTimer.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { getAppServices } from "../../src/runtime.js";
import { HistoryBlobExistsError } from "../../src/services/blob/probeHistory.js";
import { capturedOutput, invokeHttp, testContext } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: "", next: "", lastUpdated: "" } };

describe("the timer probe", () => {
  let spine: SpineApp;
  const historyBlobs = async (): Promise<string[]> => {
    const container = new BlobServiceClient(spine.azurite.blobEndpoint, new ManagedIdentityCredential()).getContainerClient(
      "probe-history",
    );
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    return names;
  };

  beforeAll(async () => {
    spine = await startSpineApp({
      IDENTITY_PROBE_TIMEOUT_MS: "3000",
      // Runs follow each other within seconds here, not five minutes apart: the raw identity-endpoint check
      // is asked afresh in every run, so a fault set between runs shows in the next one.
      IDENTITY_PROBE_ENDPOINT_CHECK_INTERVAL_SECONDS: "0",
    });
  });
  afterAll(async () => {
    await spine?.close();
  });

  it("writes one history blob per run, named by time and invocation", async () => {
    await identityProbeTimer(timer, testContext("identityProbe"));
    await identityProbeTimer(timer, testContext("identityProbe"));
    const names = await historyBlobs();
    expect(names).toHaveLength(2);
    // runs/<9999999999999 − epoch ms>-<yyyyMMddTHHmmssSSSZ>-<invocation ID>.json: newest first in a listing.
    for (const name of names) expect(name).toMatch(/^runs\/\d{13}-\d{8}T\d{9}Z-test-[0-9a-f]+\.json$/);
    expect(capturedOutput.some((line) => line.includes('identityProbe.run {"event":"identityProbe.run","status":"pass"'))).toBe(true);
  });

  it("never overwrites a recorded run", async () => {
    const { history } = await getAppServices();
    if (history.state !== "configured") throw new Error("history should be configured");
    const report = {
      status: "pass",
      version: "1",
      releaseId: "t",
      serviceId: "t",
      time: "2026-01-01T00:00:00.000Z",
      checks: {},
    } as HealthReport;
    await history.value.record(report, "same-run");
    await expect(history.value.record({ ...report, status: "fail" }, "same-run")).rejects.toBeInstanceOf(HistoryBlobExistsError);
    const entries = await history.value.list({ limit: 100, since: new Date("2025-12-31T00:00:00Z") });
    expect(entries.find((entry) => entry.name.includes("same-run"))?.report.status).toBe("pass");
  });

  it("logs the transition when the identity endpoint starts failing and when it recovers", async () => {
    spine.identityEndpoint.setFault({ mode: "status", status: 500 });
    await identityProbeTimer(timer, testContext("identityProbe"));
    expect(capturedOutput.some((line) => /^\[warning\] identityProbe status changed pass → fail: .*identity:endpoint/.test(line))).toBe(
      true,
    );
    spine.identityEndpoint.setFault(undefined);
    await identityProbeTimer(timer, testContext("identityProbe"));
    expect(capturedOutput.some((line) => /^\[information\] identityProbe status changed fail → pass/.test(line))).toBe(true);
  });

  it("serves the history newest first, with limit and since", async () => {
    const response = await invokeHttp(healthIdentityHistory, { query: { limit: "3" } });
    expect(response.status).toBe(200);
    const { reports } = response.json<{ reports: (HealthReport & { blob: string })[] }>();
    expect(reports).toHaveLength(3);
    const times = reports.map((report) => report.time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(reports[0]?.status).toBe("pass");
    expect(reports[1]?.status).toBe("fail");
    const since = await invokeHttp(healthIdentityHistory, { query: { since: reports[1]?.time ?? "" } });
    expect(since.json<{ reports: unknown[] }>().reports).toHaveLength(2);
  });

  it.each([
    [{ limit: "0" }, /limit/],
    [{ limit: "101" }, /limit/],
    [{ limit: "ten" }, /limit/],
    [{ since: "yesterday" }, /since/],
    [{ since: "2026-13-45T00:00:00Z" }, /since/],
  ])("rejects %j with 400", async (query, message) => {
    const response = await invokeHttp(healthIdentityHistory, { query });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.json<{ detail: string }>().detail).toMatch(message);
  });
});
