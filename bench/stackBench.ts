// The benchmarks that need the whole local stack, run in one child process of bench/run.ts (which sets
// NODE_EXTRA_CA_CERTS to the local CA before this process starts). The app and its floors (bench/floorApp.ts)
// each run in a dev host, a process of its own, so that CPU time and memory can be read from /proc without
// counting the load generator.
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
import { writeAppWithHello, writeFloorApp } from "./floorApp.js";

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

const appEnv: NodeJS.ProcessEnv = {
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
delete appEnv.AZURE_POD_IDENTITY_AUTHORITY_HOST;
/** The floor's job is one token and one storage call: the app for its first-response target does that job. */
const storageOnlyEnv: NodeJS.ProcessEnv = { ...appEnv };
delete storageOnlyEnv.AZURE_WEBPUBSUB_ENDPOINT;
delete storageOnlyEnv.AZURE_QUANTUM_ENDPOINT;
delete storageOnlyEnv.AZURE_QUANTUM_WORKSPACE_ID;
const floorDir = await writeFloorApp(projectRoot);
const appWithHelloDir = await writeAppWithHello(projectRoot);

interface Host {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** A dev host serving `appRoot` in a process of its own; resolves when it listens. */
async function startHost(appRoot: string, env: NodeJS.ProcessEnv): Promise<Host> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(projectRoot, "dist/local/devHost/main.js"), "--app-root", appRoot, "--port", "0"],
    {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`the dev host did not start:\n${output}`)), 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /Admin API: GET (http:\/\/\S+?)\/admin\/functions/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.on("data", () => undefined);
    child.once("exit", () => reject(new Error(`the dev host exited:\n${output}`)));
  });
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const headers = { "x-functions-key": functionKey };

async function get(base: string, path: string): Promise<Response> {
  return fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(60_000) });
}

/** utime + stime of a process, in milliseconds (Linux /proc; clock ticks are 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident set size of a process, in MiB (Linux /proc). */
async function rssMiB(pid: number): Promise<number> {
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1]);
  return kib / 1024;
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

/** CPU milliseconds the host spends per request of `path`, `requests` of them, 20 at a time. */
async function cpuPerRequest(host: Host, path: string, requests: number): Promise<number> {
  const before = await cpuMs(host.pid);
  await inBatches(requests, 20, async () => {
    const response = await get(host.url, path);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  });
  return ((await cpuMs(host.pid)) - before) / requests;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const results: Record<string, unknown> = {};
// The app as built, plus a hello function to hold the summary's CPU against (bench/floorApp.ts).
const app = await startHost(appWithHelloDir, appEnv);
const floor = await startHost(floorDir, { ...appEnv, LOCAL_FUNCTION_KEY: functionKey });
try {
  // 1. A cold cache and 1000 requests at once: how many token requests reach the identity endpoint?
  identityEndpoint.resetRequests();
  const statuses = await Promise.all(
    Array.from({ length: 1000 }, () =>
      get(app.url, "/api/health/identity").then(async (response) => (await response.arrayBuffer(), response.status)),
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

  // 2. CPU per request under load (20 at a time): the summary with warm tokens, and hello, in the same process.
  // The floor host's hello is measured too, for information: a host that has loaded the SDKs does more work on
  // every request, whatever the function (its garbage collector has a larger heap to look after), and that
  // difference, between 1.2× and 1.6× from one run to the next here, would drown what the summary costs.
  // Every path first serves a round unmeasured: after 50 requests V8 was still compiling (a host's first
  // measured round cost about twice its later ones: the floor's read 1.19 ms, then 0.50 and 0.49). Five
  // alternating rounds, and the median of each path's rounds.
  const cpuPaths = [
    [app, "/api/health/identity"],
    [app, "/api/hello"],
    [floor, "/api/hello"],
  ] as const;
  for (const [host, path] of cpuPaths) await cpuPerRequest(host, path, 2000);
  const cpuRounds: number[][] = cpuPaths.map(() => []);
  for (let round = 0; round < 5; round += 1)
    for (const [index, [host, path]] of cpuPaths.entries()) cpuRounds[index]?.push(await cpuPerRequest(host, path, 2000));
  const [summaryCpu = [], helloCpu = [], floorHelloCpu = []] = cpuRounds;
  results.summaryCpu = { summaryMs: median(summaryCpu), helloMs: median(helloCpu), floorHelloMs: median(floorHelloCpu) };

  // 3. Memory: RSS over each of three rounds of 10,000 summaries, against the floor host over each of three
  // rounds of 10,000 hellos (the same load, 20 at a time, rounds alternating). RSS is read every 100 ms while a
  // round runs and the round's median kept: a single reading says more about when V8 last collected garbage
  // than about what the process holds (one host read 177, 160 and 141 MiB after three identical rounds).
  const summaryRss: number[] = [];
  const floorRss: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    for (const [host, path, samples] of [
      [app, "/api/health/identity", summaryRss],
      [floor, "/api/hello", floorRss],
    ] as const) {
      const readings: number[] = [];
      let isRunning = true;
      const sampling = (async () => {
        while (isRunning) {
          readings.push(await rssMiB(host.pid));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      await inBatches(10_000, 20, async () => {
        await (await get(host.url, path)).arrayBuffer();
      });
      isRunning = false;
      await sampling;
      samples.push(median(readings));
    }
  }
  results.memory = { summaryRssMiB: summaryRss, floorRssMiB: floorRss };

  // 4. A message posted to the app reaches a connected @azure/web-pubsub-client.
  const negotiated = (await (await get(app.url, "/api/pubsub/negotiate")).json()) as { url: string };
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
    const response = await fetch(`${app.url}/api/pubsub/messages`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ message: { seq: index }, group: "identity-probe" }),
    });
    if (response.status !== 202) throw new Error(`messages answered ${response.status}`);
    latencies.push((await received) - sentAt);
  }
  client.stop();
  results.webPubSubLatency = { latenciesMs: latencies };
} finally {
  await app.stop();
  await floor.stop();
}

try {
  // 5. The first response of a cold process: the app's first /details (storage only: one token's job and one
  // storage call's, as the floor does them) against the floor's first /api/floor. Fresh processes, alternating.
  const firstDetails: number[] = [];
  const firstFloor: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    for (const [root, env, path, samples] of [
      [projectRoot, storageOnlyEnv, "/api/health/identity/details", firstDetails],
      [floorDir, appEnv, "/api/floor", firstFloor],
    ] as const) {
      const host = await startHost(root, env);
      try {
        const started = performance.now();
        const response = await get(host.url, path);
        const body = await response.text();
        samples.push(performance.now() - started);
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.slice(0, 300)}`);
      } finally {
        await host.stop();
      }
    }
  }
  results.firstResponse = { detailsMs: median(firstDetails), floorMs: median(firstFloor) };
} finally {
  await arm.close();
  await quantum.close();
  await webPubSub.close();
  await azurite.close();
  await identityEndpoint.close();
}
console.log(JSON.stringify(results));
