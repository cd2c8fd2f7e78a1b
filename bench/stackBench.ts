// The benchmarks that need the whole local stack, run in one child process of bench/run.ts (which sets
// NODE_EXTRA_CA_CERTS to the local CA before this process starts). The app runs in the dev host, a
// process of its own, so its CPU time can be read from /proc without counting the load generator.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { startArmEmulator } from "../local/arm/armEmulator.js";
import { startAzurite, azuriteAccountKey, azuriteAccountName } from "../local/azurite.js";
import { startIdentityEndpoint } from "../local/identity/identityEndpoint.js";
import { localResourceGroup, localSubscriptionId, localTenantId } from "../local/identity/localIdentities.js";
import { defaultRoleAssignments, quantumWorkspaceId } from "../local/rbac/localResources.js";
import { createRoleTable } from "../local/rbac/roleTable.js";
import { createLocalCa } from "../local/localCa.js";
import { startQuantumEmulator } from "../local/quantum/quantumEmulator.js";
import { startWebPubSubEmulator } from "../local/webpubsub/webPubSubEmulator.js";

const caDir = process.env.IDENTITY_PROBE_BENCH_CA_DIR;
if (!caDir) throw new Error("IDENTITY_PROBE_BENCH_CA_DIR is not set: run through bench/run.js");
const projectRoot = process.cwd();
const functionKey = "bench-function-key-0123456789abcdef";

const ca = await createLocalCa(caDir);
const identityEndpoint = await startIdentityEndpoint();
const azuriteCertificate = await ca.issueServerCertificate("bench-azurite");
const azurite = await startAzurite({
  location: join(caDir, "azurite"),
  certPath: azuriteCertificate.certPath,
  keyPath: azuriteCertificate.keyPath,
});
const emulatorCertificate = await ca.issueServerCertificate("bench-emulators");
const webPubSub = await startWebPubSubEmulator({
  certPath: emulatorCertificate.certPath,
  keyPath: emulatorCertificate.keyPath,
  jwksUrl: identityEndpoint.jwksUrl,
  issuer: identityEndpoint.issuer,
});
const quantum = await startQuantumEmulator({
  certPath: emulatorCertificate.certPath,
  keyPath: emulatorCertificate.keyPath,
  jwksUrl: identityEndpoint.jwksUrl,
  issuer: identityEndpoint.issuer,
  subscriptionId: localSubscriptionId,
  resourceGroup: localResourceGroup,
  workspaceName: "identity-probe-bench",
  storage: { blobEndpoint: azurite.blobEndpoint, accountName: azuriteAccountName, accountKey: azuriteAccountKey },
});

// The workspace ID names a subscription and resource group: the app reads Resource Manager, the local one.
const arm = await startArmEmulator({
  certPath: emulatorCertificate.certPath,
  keyPath: emulatorCertificate.keyPath,
  jwksUrl: identityEndpoint.jwksUrl,
  issuer: identityEndpoint.issuer,
  roles: createRoleTable({ initial: defaultRoleAssignments({ quantumWorkspaceId: quantumWorkspaceId("identity-probe-bench") }) }),
  subscriptionId: localSubscriptionId,
  tenantId: localTenantId,
  resourceGroups: [{ name: localResourceGroup, location: "westeurope" }],
});

const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...identityEndpoint.environment("AppService"),
  AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential",
  AZURE_STORAGE_BLOB_ENDPOINT: azurite.blobEndpoint,
  AZURE_WEBPUBSUB_ENDPOINT: webPubSub.endpoint,
  AZURE_QUANTUM_ENDPOINT: quantum.endpoint,
  AZURE_QUANTUM_WORKSPACE_ID: quantum.workspaceId,
  AZURE_RESOURCE_MANAGER_ENDPOINT: arm.endpoint,
  IDENTITY_PROBE_SCHEDULE: "0 0 0 1 1 *",
  LOCAL_FUNCTION_KEY: functionKey,
};
delete env.AZURE_POD_IDENTITY_AUTHORITY_HOST;

const host: ChildProcess = spawn(
  process.execPath,
  [join(projectRoot, "dist/local/devHost/main.js"), "--app-root", projectRoot, "--port", "0"],
  {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  },
);
const hostUrl = await new Promise<string>((resolve, reject) => {
  let output = "";
  const timer = setTimeout(() => reject(new Error(`the dev host did not start:\n${output}`)), 60_000);
  host.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    const match = /Admin API: GET (http:\/\/\S+?)\/admin\/functions/.exec(output);
    if (match?.[1]) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
  host.stderr?.on("data", () => undefined);
  host.once("exit", () => reject(new Error(`the dev host exited:\n${output}`)));
});
const headers = { "x-functions-key": functionKey };

async function get(path: string): Promise<Response> {
  return fetch(`${hostUrl}${path}`, { headers, signal: AbortSignal.timeout(60_000) });
}

/** utime + stime of a process, in milliseconds (Linux /proc; clock ticks are 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function inBatches(total: number, concurrency: number, task: () => Promise<void>): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started += 1;
        await task();
      }
    }),
  );
}

const results: Record<string, unknown> = {};
try {
  // 1. A cold cache and 1000 requests at once: how many token requests reach the identity endpoint?
  identityEndpoint.resetRequests();
  const statuses = await Promise.all(
    Array.from({ length: 1000 }, () =>
      get("/api/health/identity").then(async (response) => (await response.arrayBuffer(), response.status)),
    ),
  );
  const perKey = new Map<string, number>();
  for (const request of identityEndpoint.requests)
    perKey.set(`${request.identity}|${request.resource}`, (perKey.get(`${request.identity}|${request.resource}`) ?? 0) + 1);
  results.concurrentRequests = {
    statuses: [...new Set(statuses)],
    maxTokenRequestsPerKey: Math.max(...perKey.values()),
    keys: perKey.size,
  };

  // 2. CPU per summary request with warm tokens, under load (20 at a time).
  for (let warm = 0; warm < 50; warm += 1) await (await get("/api/health/identity")).arrayBuffer();
  const requests = 2000;
  const pid = host.pid ?? 0;
  const before = await cpuMs(pid);
  const wallStarted = performance.now();
  await inBatches(requests, 20, async () => {
    await (await get("/api/health/identity")).arrayBuffer();
  });
  results.summaryCpu = {
    cpuMsPerRequest: ((await cpuMs(pid)) - before) / requests,
    requestsPerSecond: requests / ((performance.now() - wallStarted) / 1000),
  };

  // 3. A message posted to the app reaches a connected @azure/web-pubsub-client.
  const negotiated = (await (await get("/api/pubsub/negotiate")).json()) as { url: string };
  const client = new WebPubSubClient(negotiated.url);
  await client.start();
  const latencies: number[] = [];
  for (let index = 0; index < 20; index += 1) {
    const received = new Promise<number>((resolve) => {
      const listener = (event: { message: { data: unknown } }): void => {
        if ((event.message.data as { seq?: number }).seq !== index) return;
        client.off("group-message", listener);
        resolve(performance.now());
      };
      client.on("group-message", listener);
    });
    const sentAt = performance.now();
    const response = await fetch(`${hostUrl}/api/pubsub/messages`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ message: { seq: index }, group: "identity-probe" }),
    });
    if (response.status !== 202) throw new Error(`messages answered ${response.status}`);
    latencies.push((await received) - sentAt);
  }
  client.stop();
  results.webPubSubLatency = { latenciesMs: latencies };

  // 4. A Bell job from submission to Succeeded.
  const bell = {
    circuit: {
      qubits: 2,
      circuit: [
        { gate: "h", target: 0 },
        { gate: "cnot", control: 0, target: 1 },
      ],
    },
    shots: 100,
  };
  const durations: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const started = performance.now();
    const submitted = await fetch(`${hostUrl}/api/quantum/jobs`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(bell),
    });
    const { id } = (await submitted.json()) as { id: string };
    for (;;) {
      const job = (await (await get(`/api/quantum/jobs/${id}`)).json()) as { status: string };
      if (job.status === "Succeeded") break;
      if (job.status === "Failed" || performance.now() - started > 30_000) throw new Error(`job ${id} ended ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    durations.push(performance.now() - started);
  }
  results.quantumBell = { durationsMs: durations };
} finally {
  host.kill("SIGTERM");
  await new Promise((resolve) => host.once("exit", resolve));
  await arm.close();
  await quantum.close();
  await webPubSub.close();
  await azurite.close();
  await identityEndpoint.close();
}
console.log(JSON.stringify(results));
