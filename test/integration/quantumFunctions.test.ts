// The app's Quantum job functions over the wire: managed identity token (audience
// https://quantum.microsoft.com) → Quantum emulator → SAS container in Azurite → simulator → histogram.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobServiceClient } from "@azure/storage-blob";
import { ManagedIdentityCredential } from "@azure/identity";
import { localUnprivilegedIdentity } from "../../local/identity/localIdentities.js";
import { healthIdentityDetails } from "../../src/functions/healthIdentityDetails.js";
import { quantumJob } from "../../src/functions/quantumJob.js";
import { quantumJobs } from "../../src/functions/quantumJobs.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { invokeHttp } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

const bell = {
  qubits: 2,
  circuit: [
    { gate: "h", target: 0 },
    { gate: "cnot", control: 0, target: 1 },
  ],
};

async function waitForTerminal(id: string, deadlineMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const job = (await invokeHttp(quantumJob, { params: { id } })).json();
    if (["Succeeded", "Failed", "Cancelled"].includes(String(job.status))) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${String(job.status)} after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const submit = (body: unknown) => invokeHttp(quantumJobs, { method: "POST", body: JSON.stringify(body) });

async function inputBlobCount(spine: SpineApp): Promise<number> {
  const service = new BlobServiceClient(spine.azurite.blobEndpoint, new ManagedIdentityCredential());
  let count = 0;
  for await (const container of service.listContainers({ prefix: "job-" })) {
    for await (const blob of service.getContainerClient(container.name).listBlobsFlat()) if (blob.name === "inputData") count += 1;
  }
  return count;
}

describe("Azure Quantum jobs through the app's managed identity", () => {
  let spine: SpineApp;
  beforeAll(async () => {
    spine = await startSpineApp({ IDENTITY_PROBE_IDENTITIES: localUnprivilegedIdentity.clientId }, { quantum: true });
  });
  afterAll(async () => {
    await spine?.close();
  });

  it("runs a Bell circuit to Succeeded and returns a histogram of about 50/50 on 00 and 11", async () => {
    const response = await submit({ circuit: bell, shots: 1000, name: "bell" });
    expect(response.status).toBe(202);
    const job = response.json<{ id: string; status: string }>();
    expect(response.headers.get("location")).toBe(`/api/quantum/jobs/${job.id}`);
    expect(response.text).not.toMatch(/sig=/);
    const finished = await waitForTerminal(job.id);
    expect(finished.status).toBe("Succeeded");
    const results = finished.results as Record<string, number>;
    expect(Object.keys(results).sort()).toEqual(["0", "3"]);
    expect(results["0"]).toBeGreaterThan(0.4);
    expect(results["3"]).toBeGreaterThan(0.4);
  });

  it("lists jobs and cancels one", async () => {
    const job = (await submit({ circuit: bell })).json<{ id: string }>();
    const cancelled = await invokeHttp(quantumJob, { method: "DELETE", params: { id: job.id } });
    expect([200, 409]).toContain(cancelled.status);
    const list = await invokeHttp(quantumJobs, { query: { top: "10" } });
    expect(list.status).toBe(200);
    expect(list.json<{ jobs: { id: string }[] }>().jobs.map((item) => item.id)).toContain(job.id);
  });

  it("answers an unknown job with 404", async () => {
    expect((await invokeHttp(quantumJob, { params: { id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301" } })).status).toBe(404);
  });

  it.each([
    ["an unknown gate", { circuit: { qubits: 1, circuit: [{ gate: "teleport", target: 0 }] } }, /gate/],
    ["a qubit out of range", { circuit: { qubits: 2, circuit: [{ gate: "h", target: 5 }] } }, /target|range/],
    ["more qubits than the target has", { circuit: { qubits: 40, circuit: [{ gate: "h", target: 0 }] } }, /qubits/],
    ["a wrong type", { circuit: { qubits: "two", circuit: [] } }, /qubits/],
    ["no circuit", { shots: 10 }, /circuit/],
    ["too many shots", { circuit: bell, shots: 1_000_000 }, /shots/],
    ["an unknown target", { circuit: bell, target: "ionq.qpu.nonexistent" }, /target/],
    ["an empty body", "", /empty/],
  ])("rejects %s with 400 and uploads nothing", async (_name, body, detail) => {
    const before = await inputBlobCount(spine);
    const response = body === "" ? await invokeHttp(quantumJobs, { method: "POST" }) : await submit(body);
    expect(response.status).toBe(400);
    expect(response.json<{ detail: string }>().detail).toMatch(detail);
    expect(await inputBlobCount(spine)).toBe(before);
  });

  it.each([[{ top: "0" }], [{ top: "x" }], [{ top: "1000" }], [{ continuation: "not-a-real-token" }]])(
    "rejects list query %j with 400",
    async (query) => {
      expect((await invokeHttp(quantumJobs, { query })).status).toBe(400);
    },
  );

  it("reports an identity without a workspace role as forbidden, naming the role and the workspace", async () => {
    const report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
    expect(report.checks["quantum:access"]?.[0]).toMatchObject({ identity: "system", status: "pass" });
    const entry = report.checks["quantum:access"]?.find((candidate) => candidate.identity === "user-assigned-2");
    expect(entry).toMatchObject({ errorCategory: "forbidden" });
    expect(entry?.remediation).toContain("Quantum Workspace Data Contributor");
    expect(entry?.remediation).toContain(spine.quantum?.workspaceId ?? "missing");
    expect(entry?.remediation).toContain(localUnprivilegedIdentity.objectId);
  });
});
