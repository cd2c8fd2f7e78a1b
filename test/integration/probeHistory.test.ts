// The probe history over the wire, against real Azurite: what one read costs in requests (counted on Node's
// own HTTP client diagnostics channel), whatever a day holds, and history written in the old layout.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { createProbeHistory, legacyHistoryBlobName, type ProbeHistory } from "../../src/services/blob/probeHistory.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { startTestAzurite, startTestIdentityEndpoint, useIdentityEnvironment, type TestAzurite } from "../fixtures/localServices.js";

const reportAt = (at: Date, status: HealthReport["status"] = "pass"): HealthReport => ({
  status,
  version: "1",
  releaseId: "test",
  serviceId: "test",
  time: at.toISOString(),
  checks: {},
});

/** The requests this process sends to Azurite while `run` runs: method and path with query. */
async function requestsDuring<T>(blobEndpoint: string, run: () => Promise<T>): Promise<{ result: T; requests: string[] }> {
  const { host } = new URL(blobEndpoint);
  const requests: string[] = [];
  const onStart = (message: unknown): void => {
    const request = (message as { request: ClientRequest }).request;
    if (request.getHeader("host") === host) requests.push(`${request.method} ${request.path}`);
  };
  subscribe("http.client.request.start", onStart);
  try {
    return { result: await run(), requests };
  } finally {
    unsubscribe("http.client.request.start", onStart);
  }
}

describe("the probe history", () => {
  let endpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let restore: () => void;
  let history: ProbeHistory;
  const crowdedDay = Date.parse("2026-03-01T00:00:00Z");

  beforeAll(async () => {
    endpoint = await startTestIdentityEndpoint();
    azurite = await startTestAzurite();
    restore = useIdentityEnvironment(endpoint);
    const credential = new ManagedIdentityCredential();
    history = createProbeHistory({ endpoint: azurite.blobEndpoint, historyContainer: "history-scale" }, credential);
    // 300 runs within one hour of one day: a crowded day (one run every 12 s).
    for (let index = 0; index < 300; index += 1) {
      const at = new Date(crowdedDay + index * 12_000);
      await history.record(reportAt(at), `run-${index}`, { at });
    }
  }, 120_000);
  afterAll(async () => {
    restore?.();
    await azurite?.close();
    await endpoint?.close();
  });

  it("reads the newest run with one listing and one GET, however crowded its day", async () => {
    const { result, requests } = await requestsDuring(azurite.blobEndpoint, () => history.list({ limit: 1 }));
    expect(result.map((entry) => entry.report.time)).toEqual([new Date(crowdedDay + 299 * 12_000).toISOString()]);
    expect(requests.filter((request) => request.includes("comp=list"))).toHaveLength(1);
    expect(requests.filter((request) => request.startsWith("GET") && !request.includes("comp=list"))).toHaveLength(1);
    expect(requests.filter((request) => request.startsWith("HEAD"))).toEqual([]);
  });

  it("reads 100 reports with one listing and one GET each, newest first, and no HEAD", async () => {
    const { result, requests } = await requestsDuring(azurite.blobEndpoint, () => history.list({ limit: 100 }));
    expect(result).toHaveLength(100);
    const times = result.map((entry) => entry.report.time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(times[0]).toBe(new Date(crowdedDay + 299 * 12_000).toISOString());
    expect(requests.filter((request) => request.includes("comp=list"))).toHaveLength(1);
    expect(requests.filter((request) => request.startsWith("GET") && !request.includes("comp=list"))).toHaveLength(100);
    expect(requests.filter((request) => request.startsWith("HEAD"))).toEqual([]);
  });

  it("stops at `since`", async () => {
    const since = new Date(crowdedDay + 290 * 12_000);
    const entries = await history.list({ limit: 100, since });
    expect(entries).toHaveLength(10);
  });

  it("still reads history written in the old layout, after the runs of the current one", async () => {
    const service = new BlobServiceClient(azurite.blobEndpoint, new ManagedIdentityCredential());
    const container = service.getContainerClient("history-mixed");
    await container.createIfNotExists();
    const old = [new Date("2025-12-30T23:55:00Z"), new Date("2025-12-31T00:05:00Z"), new Date("2026-01-01T10:00:00Z")];
    for (const [index, at] of old.entries()) {
      const body = JSON.stringify(reportAt(at, "fail"));
      await container.getBlockBlobClient(legacyHistoryBlobName(at, `old-${index}`)).upload(body, Buffer.byteLength(body));
    }
    const mixed = createProbeHistory(
      { endpoint: azurite.blobEndpoint, historyContainer: "history-mixed" },
      new ManagedIdentityCredential(),
    );
    const current = new Date("2026-01-02T08:00:00Z");
    await mixed.record(reportAt(current), "new-0", { at: current });

    const all = await mixed.list({ limit: 10 });
    expect(all.map((entry) => entry.report.time)).toEqual([current, ...[...old].reverse()].map((at) => at.toISOString()));
    expect(all.map((entry) => entry.report.status)).toEqual(["pass", "fail", "fail", "fail"]);
    const recent = await mixed.list({ limit: 10, since: new Date("2025-12-31T00:00:00Z") });
    expect(recent).toHaveLength(3);
    const two = await mixed.list({ limit: 2 });
    expect(two.map((entry) => entry.report.time)).toEqual([current.toISOString(), old[2]?.toISOString()]);
  });
});
