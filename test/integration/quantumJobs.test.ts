// The app's Quantum job service against the local emulator, over the wire: @azure/identity's
// ManagedIdentityCredential → local identity endpoint → bearer token → emulator → Azurite → simulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import { isRestError } from "@azure/core-rest-pipeline";
import { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { localUnprivilegedIdentity } from "../../local/identity/localIdentities.js";
import { createQuantumJobService, type QuantumJobService, type QuantumJobSummary } from "../../src/services/quantum/quantumJobService.js";
import { createQuantumClient, type QuantumClient } from "../../src/services/quantum/quantumClient.js";
import type { IonqCircuit } from "../../src/services/quantum/ionqCircuit.js";
import { isQuantumInputError } from "../../src/services/quantum/quantumInputError.js";
import { parseWorkspaceId, type QuantumWorkspaceId } from "../../src/services/quantum/workspaceId.js";
import type { QuantumEmulator } from "../../local/quantum/quantumEmulator.js";
import type { QuantumRefusal } from "../../local/quantum/quantumServiceError.js";
import { startQuantumStack, waitFor, type QuantumStack } from "../fixtures/quantumFixture.js";
import { useIdentityEnvironment } from "../fixtures/localServices.js";
import { recordOutput } from "../fixtures/secretScan.js";

const bell: IonqCircuit = {
  qubits: 2,
  circuit: [
    { gate: "h", target: 0 },
    { gate: "cnot", control: 0, target: 1 },
  ],
};
const ghz3: IonqCircuit = {
  qubits: 3,
  circuit: [
    { gate: "h", target: 0 },
    { gate: "cnot", control: 0, target: 1 },
    { gate: "cnot", control: 1, target: 2 },
  ],
};
const terminal = new Set(["Succeeded", "Failed", "Cancelled"]);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function workspaceOf(emulator: QuantumEmulator): QuantumWorkspaceId {
  const parsed = parseWorkspaceId(emulator.workspaceId);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("Quantum jobs through the app's service against the local emulator", () => {
  let stack: QuantumStack;
  let restoreEnvironment: () => void;
  let credential: ManagedIdentityCredential;
  let service: QuantumJobService;
  let client: QuantumClient;
  const serviceFor = (emulator: QuantumEmulator, as: TokenCredential = credential) =>
    createQuantumJobService({ endpoint: emulator.endpoint, workspace: workspaceOf(emulator), credential: as });
  const finished = (jobService: QuantumJobService, id: string) =>
    waitFor(
      () => jobService.getJob(id, { abortSignal: AbortSignal.timeout(10_000) }),
      (job) => terminal.has(job.status),
    );

  beforeAll(async () => {
    stack = await startQuantumStack({ seed: 20261123 });
    restoreEnvironment = useIdentityEnvironment(stack.identityEndpoint, "AppService");
    credential = new ManagedIdentityCredential();
    service = serviceFor(stack.emulator);
    client = createQuantumClient({ endpoint: stack.emulator.endpoint, workspace: workspaceOf(stack.emulator), credential });
  });
  afterAll(async () => {
    restoreEnvironment?.();
    await stack?.close();
  });

  /** Uploads bytes as a job's inputData the way the SDK does and creates the job: for input the app would refuse. */
  async function submitRawInput(input: string, options: { shots?: unknown; client?: QuantumClient; name?: string } = {}): Promise<string> {
    const id = crypto.randomUUID();
    const target = options.client ?? client;
    const containerUri = await target.getSasUri({ containerName: `job-${id}` });
    const blob = new ContainerClient(containerUri).getBlockBlobClient("inputData");
    await blob.upload(input, Buffer.byteLength(input), { blobHTTPHeaders: { blobContentType: "application/json" } });
    const { created } = await target.putJob(id, {
      id,
      name: options.name ?? "raw-input",
      itemType: "Job",
      providerId: "ionq",
      target: "ionq.simulator",
      containerUri,
      inputDataUri: blob.url.split("?")[0],
      inputDataFormat: "ionq.circuit.v1",
      outputDataFormat: "ionq.quantum-results.v1",
      inputParams: { shots: options.shots ?? 100 },
    });
    expect(created).toBe(true);
    return id;
  }

  it("runs a Bell circuit to Succeeded with about half the shots on 0 and half on 3", async () => {
    const submitted = await service.submitJob({ circuit: bell, shots: 1000, name: "bell" });
    recordOutput(JSON.stringify(submitted));
    expect(submitted).toMatchObject({ name: "bell", status: "Waiting", target: "ionq.simulator", providerId: "ionq" });
    expect(submitted.id).toMatch(uuid);
    expect(JSON.stringify(submitted)).not.toMatch(/sig=|containerUri|https:/);

    const job = await finished(service, submitted.id);
    recordOutput(JSON.stringify(job));
    expect(job.status).toBe("Succeeded");
    expect(Date.parse(job.beginExecutionTime ?? "")).toBeGreaterThanOrEqual(Date.parse(job.creationTime ?? ""));
    expect(Date.parse(job.endExecutionTime ?? "")).toBeGreaterThan(Date.parse(job.beginExecutionTime ?? ""));
    expect(Object.keys(job.results ?? {}).sort()).toEqual(["0", "3"]);
    expect(job.results?.["0"]).toBeGreaterThan(0.4);
    expect(job.results?.["3"]).toBeGreaterThan(0.4);
    expect((job.results?.["0"] ?? 0) + (job.results?.["3"] ?? 0)).toBeCloseTo(1, 10);

    // The bytes in storage, read directly with the identity's own storage token: the SDK's container and blob names.
    const container = new BlobServiceClient(stack.azurite.blobEndpoint, credential).getContainerClient(`job-${submitted.id}`);
    const input = await container.getBlobClient("inputData").downloadToBuffer();
    expect(JSON.parse(input.toString())).toEqual(bell);
    expect((await container.getBlobClient("inputData").getProperties()).contentType).toBe("application/json");
    const output = JSON.parse((await container.getBlobClient("rawOutputData").downloadToBuffer()).toString()) as {
      histogram: Record<string, number>;
    };
    expect(output.histogram).toEqual(job.results);
  });

  it("runs a three-qubit GHZ circuit: only 000 and 111 are measured", async () => {
    const submitted = await service.submitJob({ circuit: ghz3, shots: 2000 });
    const job = await finished(service, submitted.id);
    expect(job.status).toBe("Succeeded");
    expect(Object.keys(job.results ?? {}).sort()).toEqual(["0", "7"]);
    expect(job.results?.["0"]).toBeGreaterThan(0.4);
    expect(job.results?.["7"]).toBeGreaterThan(0.4);
  });

  it.each([
    ["204 No Content, as production answers", "production"],
    ["200 with the job, as the spec says", "spec"],
  ] as const)("cancels a waiting job when Jobs_Cancel answers %s, and a second cancel answers the same", async (_, cancelResponse) => {
    const slow = serviceFor(await stack.startEmulator({ timing: { waitingMs: 10 * 60_000 }, cancelResponse }));
    const submitted = await slow.submitJob({ circuit: bell });
    expect(submitted.status).toBe("Waiting");
    const cancelled = await slow.cancelJob(submitted.id);
    expect(cancelled).toMatchObject({ id: submitted.id, status: "Cancelled" });
    expect(Date.parse(cancelled.cancellationTime ?? "")).toBeGreaterThan(0);
    expect(cancelled.beginExecutionTime).toBeUndefined();
    expect(await slow.getJob(submitted.id)).toMatchObject({ status: "Cancelled", cancellationTime: cancelled.cancellationTime });
    expect((await slow.cancelJob(submitted.id)).status).toBe("Cancelled");
  });

  it("cancels a job while it executes, and it never reports results", async () => {
    const slow = serviceFor(await stack.startEmulator({ timing: { waitingMs: 0, executingMs: 10 * 60_000 } }));
    const submitted = await slow.submitJob({ circuit: bell });
    await waitFor(
      () => slow.getJob(submitted.id),
      (job) => job.status === "Executing",
    );
    const cancelled = await slow.cancelJob(submitted.id);
    expect(cancelled.status).toBe("Cancelled");
    expect(cancelled.endExecutionTime).toBe(cancelled.cancellationTime);
    const job = await slow.getJob(submitted.id);
    expect(job.status).toBe("Cancelled");
    expect(job.results).toBeUndefined();
    const output = new BlobServiceClient(stack.azurite.blobEndpoint, credential)
      .getContainerClient(`job-${submitted.id}`)
      .getBlobClient("rawOutputData");
    expect(await output.exists()).toBe(false);
  });

  it.each(["2026-01-15-preview", "2026-08-01-preview"])("runs, lists and cancels jobs with api-version %s", async (apiVersion) => {
    const emulator = await stack.startEmulator({ timing: { waitingMs: 10 * 60_000 } });
    const options = { endpoint: emulator.endpoint, workspace: workspaceOf(emulator), credential, apiVersion };
    const versioned = createQuantumJobService(options);
    const first = await versioned.submitJob({ circuit: bell, name: "first" });
    await versioned.submitJob({ circuit: bell, name: "second" });
    // The emulator echoes the api-version it was called with in nextLink: proof of what the client sent.
    const page = await createQuantumClient(options).listJobs({ top: 1 });
    expect(new URL(page.nextLink ?? "").searchParams.get("api-version")).toBe(apiVersion);
    expect((await versioned.cancelJob(first.id)).status).toBe("Cancelled");
    expect((await versioned.getJob(first.id)).status).toBe("Cancelled");
  });

  it("sends the api-version of Microsoft's Python SDK (2026-01-15-preview) when none is configured", async () => {
    const emulator = await stack.startEmulator({ timing: { waitingMs: 10 * 60_000 } });
    const own = createQuantumClient({ endpoint: emulator.endpoint, workspace: workspaceOf(emulator), credential });
    await submitRawInput(JSON.stringify(bell), { client: own });
    await submitRawInput(JSON.stringify(bell), { client: own });
    const page = await own.listJobs({ top: 1 });
    expect(new URL(page.nextLink ?? "").searchParams.get("api-version")).toBe("2026-01-15-preview");
  });

  it("refuses to cancel a finished job with 409 and leaves it Succeeded", async () => {
    const submitted = await service.submitJob({ circuit: bell, shots: 10 });
    await finished(service, submitted.id);
    const error = await rejection(service.cancelJob(submitted.id));
    expect(isRestError(error) && error.statusCode).toBe(409);
    expect((await service.getJob(submitted.id)).status).toBe("Succeeded");
  });

  it("answers 404 for a job that does not exist", async () => {
    const error = await rejection(service.getJob(crypto.randomUUID()));
    expect(isRestError(error) && error.statusCode).toBe(404);
    // No public capture shows the service's body for this: the emulator sends the status alone.
    expect(refusalBehind(stack.emulator, error)?.code).toBe("JobNotFound");
  });

  it("lists jobs newest first, a page at a time, with an opaque continuation", async () => {
    const listing = serviceFor(await stack.startEmulator({ timing: { waitingMs: 10 * 60_000 } }));
    const submitted: QuantumJobSummary[] = [];
    for (const name of ["first", "second", "third"]) {
      submitted.push(await listing.submitJob({ circuit: bell, name }));
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct creation times
    }
    const first = await listing.listJobs({ top: 2 });
    expect(first.jobs.map((job) => job.name)).toEqual(["third", "second"]);
    expect(first.continuation).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await listing.listJobs({ continuation: first.continuation });
    expect(second.jobs.map((job) => job.name)).toEqual(["first"]);
    expect(second.continuation).toBeUndefined();
    expect(JSON.stringify([first, second])).not.toMatch(/sig=/);

    const forged = await rejection(
      listing.listJobs({ continuation: Buffer.from("https://elsewhere.example/steal?x=1").toString("base64url") }),
    );
    expect(isQuantumInputError(forged)).toBe(true);
  });

  it("answers a PUT of an existing job ID with that job, unchanged, and creates no second one", async () => {
    const emulator = await stack.startEmulator({ timing: { waitingMs: 10 * 60_000 } });
    const own = createQuantumClient({ endpoint: emulator.endpoint, workspace: workspaceOf(emulator), credential });
    const id = await submitRawInput(JSON.stringify(bell), { client: own, name: "original" });
    const again = await own.putJob(id, {
      id,
      name: "replacement",
      itemType: "Job",
      providerId: "ionq",
      target: "ionq.simulator",
      containerUri: await own.getSasUri({ containerName: `job-${id}` }),
      inputDataFormat: "ionq.circuit.v1",
      outputDataFormat: "ionq.quantum-results.v1",
    });
    expect(again.created).toBe(false);
    expect(again.job).toMatchObject({ id, name: "original", status: "Waiting" });
    const page = await own.listJobs();
    expect(page.value.map((job) => job.id)).toEqual([id]);
  });

  it("fails a 21-qubit circuit on the emulator with errorData that says why", async () => {
    const wide: IonqCircuit = { qubits: 21, circuit: [{ gate: "h", target: 20 }] };
    const submitted = await service.submitJob({ circuit: wide, shots: 10 });
    const job = await finished(service, submitted.id);
    expect(job.status).toBe("Failed");
    expect(job.errorData?.code).toBe("InvalidInputData");
    expect(job.errorData?.message).toMatch(/21 qubits.*at most 20/);
    expect(job.results).toBeUndefined();
  });

  it.each([
    ["an unknown gate", JSON.stringify({ qubits: 1, circuit: [{ gate: "toffoli", target: 0 }] }), /unknown gate "toffoli"/],
    ["a qubit out of range", JSON.stringify({ qubits: 2, circuit: [{ gate: "h", target: 2 }] }), /qubit 2 is out of range/],
    ["more qubits than the target has", JSON.stringify({ qubits: 29, circuit: [] }), /29 qubits.*at most 20/],
    ["malformed JSON", '{"qubits": 2, "circuit": [', /not valid JSON/],
    ["a body that is not a circuit", JSON.stringify(["h", 0]), /not a valid ionq\.circuit\.v1/],
  ])("fails the job with errorData for %s", async (_case, input, message) => {
    const id = await submitRawInput(input);
    const job = await finished(service, id);
    expect(job.status).toBe("Failed");
    expect(job.errorData?.code).toBe("InvalidInputData");
    expect(job.errorData?.message).toMatch(message);
  });

  it("fails the job when shots is not a whole number from 1 to 10000", async () => {
    const id = await submitRawInput(JSON.stringify(bell), { shots: 0 });
    const job = await finished(service, id);
    expect(job).toMatchObject({ status: "Failed", errorData: { code: "InvalidInputData" } });
    expect(job.errorData?.message).toMatch(/shots/);
  });

  it("refuses an invalid circuit before calling the service", async () => {
    const error = await rejection(service.submitJob({ circuit: { qubits: 2, circuit: [{ gate: "h", target: 5 }] } }));
    expect(isQuantumInputError(error)).toBe(true);
    expect((error as Error).message).toMatch(/circuit\[0\]\.target: qubit 5 is out of range/);
  });

  it("lists the IonQ provider with the qubits the emulator simulates", async () => {
    const providers = await client.listProviderStatus();
    const ionq = providers.find((provider) => provider.id === "ionq");
    expect(ionq?.currentAvailability).toBe("Available");
    expect(ionq?.targets.find((target) => target.id === "ionq.simulator")).toMatchObject({
      currentAvailability: "Available",
      numQubits: 20,
    });
  });

  it("proves access with checkAccess for a privileged identity", async () => {
    await expect(service.checkAccess({ abortSignal: AbortSignal.timeout(10_000) })).resolves.toBeUndefined();
  });

  it("gives an identity without a Quantum role the service's RestError 403", async () => {
    const unprivileged = serviceFor(stack.emulator, new ManagedIdentityCredential({ clientId: localUnprivilegedIdentity.clientId }));
    const error = await rejection(unprivileged.checkAccess());
    expect(isRestError(error) && error.statusCode).toBe(403);
    expect(isRestError(error) && error.code).toBe("InsufficientPermissions");
    expect((error as Error).message).toBe("There are not enough permissions to perform this operation.");
    const submit = await rejection(unprivileged.submitJob({ circuit: bell }));
    expect(isRestError(submit) && submit.statusCode).toBe(403);
  });

  it("lets a Reader read but not submit, once the role is assigned", async () => {
    const reader = await stack.startEmulator();
    const readerService = serviceFor(reader, new ManagedIdentityCredential({ clientId: localUnprivilegedIdentity.clientId }));
    reader.setRoleAssignments(localUnprivilegedIdentity.objectId, ["Reader"]);
    await expect(readerService.checkAccess()).resolves.toBeUndefined();
    const error = await rejection(readerService.submitJob({ circuit: bell }));
    expect(isRestError(error) && error.statusCode).toBe(403);
    expect(isRestError(error) && error.code).toBe("InsufficientPermissions");
    reader.setRoleAssignments(localUnprivilegedIdentity.objectId, ["Quantum Workspace Data Contributor"]);
    await expect(readerService.submitJob({ circuit: bell })).resolves.toMatchObject({ status: "Waiting" });
  });

  it("answers a token for another audience (storage) with a RestError 401", async () => {
    const storageTokens: TokenCredential = {
      getToken: (_scopes, options) => credential.getToken("https://storage.azure.com/.default", options),
    };
    const error = await rejection(serviceFor(stack.emulator, storageTokens).checkAccess());
    expect(isRestError(error) && error.statusCode).toBe(401);
    expect(refusalBehind(stack.emulator, error)?.message).toMatch(/audience/);
  });
});

/** The emulator's reason for the refusal behind a RestError, found by the response's x-ms-request-id. */
function refusalBehind(emulator: QuantumEmulator, error: unknown): QuantumRefusal | undefined {
  const requestId = isRestError(error) ? error.response?.headers.get("x-ms-request-id") : undefined;
  return requestId ? emulator.refusal(requestId) : undefined;
}
