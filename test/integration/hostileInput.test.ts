// Hostile input to the real app served by the dev host, over HTTP, against the local identity endpoint,
// Azurite, and the Web PubSub and Quantum emulators (issue 14). What a hostile caller must never get:
// a broadcast through a name meant for one user, a 5xx for its own mistake, a repeated query parameter
// read as one value, a request that reaches outside the app's container, workspace or hub, or a partial
// write. Every refusal is a 4xx problem+json that says what is wrong.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { localUnprivilegedIdentity } from "../../local/identity/localIdentities.js";
import type { QuantumEmulator } from "../../local/quantum/quantumEmulator.js";
import type { WebPubSubEmulator } from "../../local/webpubsub/webPubSubEmulator.js";
import {
  call,
  ensureBuilt,
  projectRoot,
  realAppEnvironment,
  startChildDevHost,
  testFunctionKey,
  waitUntil,
  type CallResult,
  type ChildDevHost,
} from "../fixtures/devHost.js";
import {
  startTestArmEmulator,
  startTestAzurite,
  startTestIdentityEndpoint,
  startTestQuantumEmulator,
  startTestWebPubSubEmulator,
  useIdentityEnvironment,
  type TestArmEmulator,
  type TestAzurite,
} from "../fixtures/localServices.js";
import { localWebPubSubId } from "../fixtures/spineApp.js";

const withKey = { "x-functions-key": testFunctionKey };
const json = { ...withKey, "content-type": "application/json" };

const bell = {
  qubits: 2,
  circuit: [
    { gate: "h", target: 0 },
    { gate: "cnot", control: 0, target: 1 },
  ],
};

/** A JSON value nested `depth` levels deep (arrays), built as text so that building it cannot overflow. */
function nestedArrays(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

function expectProblem(response: CallResult, status: number): { title: string; detail: string; status: number } {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = response.json<{ title: string; detail: string; status: number; type: string }>();
  expect(body.status).toBe(status);
  expect(body.type).toMatch(/^urn:identity-probe:problem:/);
  return body;
}

describe("hostile input to the real app in the dev host", () => {
  let identityEndpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let webPubSub: WebPubSubEmulator;
  let quantum: QuantumEmulator;
  let arm: TestArmEmulator;
  let host: ChildDevHost;
  let storage: BlobServiceClient;
  let restoreIdentity: () => void;
  const api = (path: string): string => `${host.url}/api/${path}`;
  const post = (path: string, body: string): Promise<CallResult> => call(api(path), { method: "POST", headers: json, body });

  beforeAll(async () => {
    [identityEndpoint, azurite] = await Promise.all([startTestIdentityEndpoint(), startTestAzurite(), ensureBuilt()]);
    [webPubSub, quantum, arm] = await Promise.all([
      startTestWebPubSubEmulator(identityEndpoint),
      startTestQuantumEmulator(identityEndpoint, azurite),
      startTestArmEmulator(identityEndpoint),
    ]);
    host = await startChildDevHost({
      appRoot: projectRoot,
      env: realAppEnvironment(identityEndpoint, azurite.blobEndpoint, {
        AZURE_WEBPUBSUB_ENDPOINT: webPubSub.endpoint,
        AZURE_WEBPUBSUB_ID: localWebPubSubId,
        AZURE_QUANTUM_ENDPOINT: quantum.endpoint,
        AZURE_QUANTUM_WORKSPACE_ID: quantum.workspaceId,
        AZURE_RESOURCE_MANAGER_ENDPOINT: arm.endpoint,
      }),
    });
    // The test reads storage directly, with a token from the same identity endpoint.
    restoreIdentity = useIdentityEnvironment(identityEndpoint);
    storage = new BlobServiceClient(azurite.blobEndpoint, new ManagedIdentityCredential());
  }, 180_000);
  afterAll(async () => {
    restoreIdentity?.();
    const result = await host?.stop("SIGTERM");
    await Promise.all([quantum?.close(), webPubSub?.close(), arm?.close()]);
    await Promise.all([azurite?.close(), identityEndpoint?.close()]);
    expect(result?.exitCode).toBe(0);
  });

  async function blobNames(container: string): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const blob of storage.getContainerClient(container).listBlobsFlat()) names.push(blob.name);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    return names;
  }

  async function jobInputCount(): Promise<number> {
    let count = 0;
    for await (const container of storage.listContainers({ prefix: "job-" }))
      for await (const blob of storage.getContainerClient(container.name).listBlobsFlat()) if (blob.name === "inputData") count += 1;
    return count;
  }

  describe("1. a Web PubSub name never changes the operation", () => {
    interface Listener {
      readonly client: WebPubSubClient;
      readonly received: unknown[];
    }
    const listeners = new Map<string, Listener>();

    beforeAll(async () => {
      for (const userId of ["alice", "bob"]) {
        const negotiated = await call(api(`pubsub/negotiate?userId=${userId}`), { headers: withKey });
        expect(negotiated.status).toBe(200);
        const client = new WebPubSubClient(negotiated.json<{ url: string }>().url);
        const received: unknown[] = [];
        client.on("server-message", (event) => received.push(event.message.data));
        client.on("group-message", (event) => received.push(event.message.data));
        await client.start();
        listeners.set(userId, { client, received });
      }
    });
    afterAll(() => {
      for (const listener of listeners.values()) listener.client.stop();
    });

    const dotNames = [".", "..", "%2e", "%2E%2e", ".%2e", "%2e."];
    const hostile = [...dotNames.map((name) => ["userId", name] as const), ...dotNames.map((name) => ["group", name] as const)];

    it.each(hostile)("refuses %s %j with a 400 naming the field, and sends nothing", async (field, name) => {
      const response = await post("pubsub/messages", JSON.stringify({ message: `hostile ${field} ${name}`, [field]: name }));
      expect(expectProblem(response, 400).detail).toMatch(new RegExp(`'${field}'.*'\\.' or '\\.\\.'`));
    });

    it("refuses a user ID of '..' when minting a client URL too", async () => {
      for (const name of ["..", "%2e%2e"]) {
        const response = await call(api(`pubsub/negotiate?userId=${encodeURIComponent(name)}`), { headers: withKey });
        expect(expectProblem(response, 400).detail).toMatch(/'userId'/);
      }
    });

    it("delivers names with dots and slashes to exactly that user or group, never to everyone", async () => {
      // Percent-encoded by the SDK, these stay one path segment: user "../alice" is nobody here.
      for (const [field, name] of [
        ["userId", "../alice"],
        ["userId", "a/../.."],
        ["group", "../.."],
        ["userId", "..."],
      ] as const) {
        const response = await post("pubsub/messages", JSON.stringify({ message: `hostile ${field} ${name}`, [field]: name }));
        expect(response.status, response.text).toBe(202);
      }
      // A marker to each user, sent after everything above: once it arrived, anything sent before it has too.
      for (const userId of ["alice", "bob"])
        expect((await post("pubsub/messages", JSON.stringify({ message: `marker for ${userId}`, userId }))).status).toBe(202);
      for (const [userId, listener] of listeners) {
        await waitUntil(() => listener.received.includes(`marker for ${userId}`), `the marker to reach ${userId}`, 15_000);
        expect(listener.received.filter((data) => typeof data === "string" && data.startsWith("hostile"))).toEqual([]);
      }
    });
  });

  describe("2. client mistakes are 4xx, never 502", () => {
    it("refuses a message nested 10,000 levels deep with a 400 that says so", async () => {
      const response = await post("pubsub/messages", `{"message":${nestedArrays(10_000)}}`);
      expect(expectProblem(response, 400).detail).toMatch(/more than 64 levels deep/);
    });

    it("accepts a message at the depth limit and refuses one a level deeper", async () => {
      // The body object is one level; the message adds the rest.
      expect((await post("pubsub/messages", `{"message":${nestedArrays(63)}}`)).status).toBe(202);
      expectProblem(await post("pubsub/messages", `{"message":${nestedArrays(64)}}`), 400);
    });

    it("refuses a job body nested 10,000 levels deep with a 400", async () => {
      const response = await post("quantum/jobs", `{"circuit":${JSON.stringify(bell)},"extra":${nestedArrays(10_000)}}`);
      expect(expectProblem(response, 400).detail).toMatch(/more than 64 levels deep/);
    });

    it("refuses a target the workspace does not offer with a 400 naming the target, before uploading anything", async () => {
      const before = await jobInputCount();
      const response = await post("quantum/jobs", JSON.stringify({ circuit: bell, target: "ionq.qpu.aria-2" }));
      const problem = expectProblem(response, 400);
      expect(problem.detail).toMatch(
        /target: ionq\.qpu\.aria-2 is not offered by this workspace; it offers ionq\.simulator, ionq\.qpu\.aria-1/,
      );
      expect(await jobInputCount()).toBe(before);
    });

    it("still submits to a target the workspace offers", async () => {
      const response = await post("quantum/jobs", JSON.stringify({ circuit: bell, target: "ionq.qpu.aria-1", shots: 10 }));
      expect(response.status, response.text).toBe(202);
    });

    it("answers 502, not 500, when the app's identity cannot read the workspace's targets", async () => {
      // The unprivileged identity has no role on the workspace: Providers_List answers 403.
      const unprivileged = await startChildDevHost({
        appRoot: projectRoot,
        env: realAppEnvironment(identityEndpoint, azurite.blobEndpoint, {
          AZURE_CLIENT_ID: localUnprivilegedIdentity.clientId,
          AZURE_QUANTUM_ENDPOINT: quantum.endpoint,
          AZURE_QUANTUM_WORKSPACE_ID: quantum.workspaceId,
        }),
      });
      try {
        const before = await jobInputCount();
        const response = await call(`${unprivileged.url}/api/quantum/jobs`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({ circuit: bell, target: "ionq.simulator" }),
        });
        const problem = expectProblem(response, 502);
        expect(problem).toMatchObject({ errorCategory: "forbidden" });
        expect(await jobInputCount()).toBe(before);
      } finally {
        expect((await unprivileged.stop("SIGTERM")).exitCode).toBe(0);
      }
    });

    it.each([
      ["pubsub/messages", 1024 * 1024],
      ["quantum/jobs", 256 * 1024],
    ])("refuses a %s body over its %i-byte limit with 413", async (path, limit) => {
      const body = JSON.stringify({ message: "x".repeat(limit), circuit: bell });
      expectProblem(await post(path, body), 413);
    });
  });

  describe("4. a repeated query parameter is refused, not joined", () => {
    it.each([
      ["GET", "blobs?prefix=a&prefix=b", "prefix"],
      ["GET", "pubsub/negotiate?userId=a&userId=b", "userId"],
      ["GET", "health/identity/history?limit=1&limit=2", "limit"],
      ["GET", "quantum/jobs?top=1&top=2", "top"],
      ["PUT", "blobs/hostile/repeat.txt?overwrite=false&overwrite=true", "overwrite"],
    ])("%s /api/%s → 400 naming %s", async (method, path, name) => {
      const response = await call(api(path), {
        method,
        headers: { ...withKey, "content-type": "text/plain" },
        ...(method === "PUT" ? { body: "x" } : {}),
      });
      expect(expectProblem(response, 400).detail).toBe(`The query parameter '${name}' is given more than once.`);
    });

    it("wrote nothing for the refused upload", async () => {
      expect(await blobNames("identity-probe")).not.toContain("hostile/repeat.txt");
    });
  });

  describe("request values that become URL paths stay inside the app's container, workspace and hub", () => {
    it("stores a blob named with percent-encoded dots under that literal name, never in another container", async () => {
      // %252e%252e is the name "%2e%2e" in the route: the blob SDK encodes it again, so it stays a name.
      const response = await call(api("blobs/%252e%252e/probe-history/escape.json"), {
        method: "PUT",
        headers: { ...withKey, "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status, response.text).toBe(201);
      expect(response.json()).toMatchObject({ name: "%2e%2e/probe-history/escape.json" });
      expect(response.headers.get("location")).toBe("/api/blobs/%252e%252e/probe-history/escape.json");
      expect(await blobNames("identity-probe")).toContain("%2e%2e/probe-history/escape.json");
      expect(await blobNames("probe-history")).not.toContain("escape.json");
    });

    it("keeps an encoded slash in a blob name as part of the name, as the Functions host does", async () => {
      // Kestrel (and the dev host) leave %2F encoded in a route value: the blob SDK encodes the % again.
      const response = await call(api("blobs/..%2Fprobe-history%2Fescape.json"), {
        method: "PUT",
        headers: { ...withKey, "content-type": "text/plain" },
        body: "x",
      });
      expect(response.status, response.text).toBe(201);
      expect(response.json()).toMatchObject({ name: "..%2Fprobe-history%2Fescape.json" });
      expect(await blobNames("identity-probe")).toContain("..%2Fprobe-history%2Fescape.json");
      expect(await blobNames("probe-history")).not.toContain("escape.json");
    });

    it("never reads or deletes a blob of another container through an encoded path", async () => {
      const victim = storage.getContainerClient("probe-history").getBlockBlobClient("victim.json");
      await storage.getContainerClient("probe-history").createIfNotExists();
      await victim.upload("{}", 2);
      for (const path of ["blobs/..%2Fprobe-history%2Fvictim.json", "blobs/%252e%252e/probe-history/victim.json"]) {
        expectProblem(await call(api(path), { headers: withKey }), 404);
        expectProblem(await call(api(path), { method: "DELETE", headers: withKey }), 404);
      }
      expect(await victim.exists()).toBe(true);
    });

    it("resolves dot segments of the request path before routing, so they never reach a blob name", async () => {
      // Sent as is (fetch would normalise it first): the host resolves it to /api/probe-history/x.json.
      const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const target = new URL(host.url);
        const sent = httpRequest(
          {
            hostname: target.hostname,
            port: target.port,
            method: "PUT",
            path: "/api/blobs/a/../../probe-history/dots.json",
            headers: { ...withKey, "content-type": "text/plain" },
            timeout: 15_000,
          },
          (answer) => {
            let text = "";
            answer.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
            answer.on("end", () => resolve({ status: answer.statusCode ?? 0, text }));
          },
        );
        sent.on("timeout", () => sent.destroy(new Error("no answer in time")));
        sent.on("error", reject);
        sent.end("x");
      });
      expect(response.status, response.text).toBe(404);
      expect(await blobNames("probe-history")).not.toContain("dots.json");
      expect((await blobNames("identity-probe")).filter((name) => name.includes("dots.json"))).toEqual([]);
    });

    it("refuses a backslash in a blob name, which some clients read as a separator", async () => {
      const response = await call(api("blobs/a%5C..%5Cb"), {
        method: "PUT",
        headers: { ...withKey, "content-type": "text/plain" },
        body: "x",
      });
      expect(expectProblem(response, 400).detail).toMatch(/backslash/);
    });

    it.each([
      ["GET", "quantum/jobs/..%2F..%2FproviderStatus"],
      ["DELETE", "quantum/jobs/..%2F..%2Fjobs"],
      ["GET", "quantum/jobs/%252e%252e"],
    ])("refuses %s /api/%s: a job ID is a UUID", async (method, path) => {
      expect(expectProblem(await call(api(path), { method, headers: withKey }), 400).detail).toMatch(/job ID must be a UUID/);
    });

    describe("a Quantum continuation only ever leads to this workspace's job list", () => {
      const forged = (link: string): string => Buffer.from(link, "utf8").toString("base64url");
      const jobsPath = (): string => `${quantum.workspaceId.replace("/Workspaces/", "/workspaces/")}/jobs`;

      it.each([
        ["another path of the workspace", () => `${quantum.endpoint}${jobsPath()}/%2e%2e/providerStatus?api-version=2026-08-01-preview`],
        ["another host", () => `https://example.invalid${jobsPath()}?api-version=2026-08-01-preview`],
        ["another workspace", () => `${quantum.endpoint}${jobsPath().replace(/workspaces\/[^/]+/, "workspaces/other")}`],
        ["a page the service refuses", () => `${quantum.endpoint}${jobsPath()}?api-version=2026-08-01-preview&top=0`],
      ])("refuses a continuation forged to %s with a 400 naming continuation", async (_case, link) => {
        const response = await call(api(`quantum/jobs?continuation=${forged(link())}`), { headers: withKey });
        expect(expectProblem(response, 400).detail).toMatch(/continuation/);
      });
    });

    it("treats a blob continuation as an opaque marker: a forged one lists or is a 400, never more", async () => {
      const inContainer = await blobNames("identity-probe");
      for (const token of ["..%2F..%2Fprobe-history", "%2e%2e", "AAAA"]) {
        const response = await call(api(`blobs?continuation=${token}`), { headers: withKey });
        if (response.status !== 200) expectProblem(response, 400);
        else for (const item of response.json<{ items: { name: string }[] }>().items) expect(inContainer).toContain(item.name);
      }
    });
  });

  // Each route, with the classes of hostile input it can receive: no key, wrong method, wrong types and
  // missing fields, hostile names, repeated parameters, deep and oversized bodies. Each answer is exactly
  // the 4xx named, as problem+json.
  interface HostileRequest {
    readonly what: string;
    readonly method: string;
    readonly path: string;
    readonly status: number;
    readonly body?: string;
    readonly headers?: Record<string, string>;
    readonly withoutKey?: boolean;
  }
  const deep = `{"message":${nestedArrays(10_000)}}`;
  const routes: readonly (readonly [string, readonly HostileRequest[]])[] = [
    [
      "GET /api/health/identity",
      [
        { what: "a wrong method", method: "POST", path: "health/identity", status: 405, body: "{}" },
        {
          what: "an oversized body on a wrong method",
          method: "PUT",
          path: "health/identity",
          status: 405,
          body: "x".repeat(2 * 1024 * 1024),
        },
      ],
    ],
    [
      "GET /api/health/identity/details",
      [
        { what: "no key", method: "GET", path: "health/identity/details", status: 401, withoutKey: true },
        { what: "a wrong key", method: "GET", path: "health/identity/details?code=wrong-key-0123456789", status: 401, withoutKey: true },
        { what: "a wrong method", method: "DELETE", path: "health/identity/details", status: 405 },
      ],
    ],
    [
      "GET /api/health/identity/history",
      [
        { what: "no key", method: "GET", path: "health/identity/history", status: 401, withoutKey: true },
        { what: "limit 0", method: "GET", path: "health/identity/history?limit=0", status: 400 },
        { what: "a limit that is not a number", method: "GET", path: "health/identity/history?limit=lots", status: 400 },
        { what: "since that is not a date-time", method: "GET", path: "health/identity/history?since=yesterday", status: 400 },
        { what: "a repeated since", method: "GET", path: "health/identity/history?since=2026-01-01T00:00:00Z&since=x", status: 400 },
      ],
    ],
    [
      "PUT|GET|DELETE /api/blobs/{name}",
      [
        { what: "no key", method: "PUT", path: "blobs/hostile/a.txt", status: 401, body: "x", withoutKey: true },
        { what: "a control character", method: "PUT", path: "blobs/hostile/a%00b.txt", status: 400, body: "x" },
        { what: "a name over 1024 characters", method: "PUT", path: `blobs/${"n".repeat(1025)}`, status: 400, body: "x" },
        { what: "an encoded '..' segment (a literal name: absent)", method: "GET", path: "blobs/hostile%2F..%2F..%2Fx", status: 404 },
        { what: "a control character on delete", method: "DELETE", path: "blobs/hostile/a%1Fb", status: 400 },
        {
          what: "a bad content type",
          method: "PUT",
          path: "blobs/hostile/a.txt",
          status: 400,
          body: "x",
          headers: { "content-type": "not a type" },
        },
        { what: "overwrite=maybe", method: "PUT", path: "blobs/hostile/a.txt?overwrite=maybe", status: 400, body: "x" },
        { what: "a body over 4 MiB", method: "PUT", path: "blobs/hostile/big.bin", status: 413, body: "x".repeat(4 * 1024 * 1024 + 1) },
        { what: "a wrong method", method: "POST", path: "blobs/hostile/a.txt", status: 405, body: "x" },
      ],
    ],
    [
      "GET /api/blobs",
      [
        { what: "no key", method: "GET", path: "blobs", status: 401, withoutKey: true },
        { what: "a control character in prefix", method: "GET", path: "blobs?prefix=a%01b", status: 400 },
        { what: "a backslash in prefix", method: "GET", path: "blobs?prefix=a%5Cb", status: 400 },
        { what: "limit 0", method: "GET", path: "blobs?limit=0", status: 400 },
        { what: "limit 1001", method: "GET", path: "blobs?limit=1001", status: 400 },
        { what: "a continuation that is not a token", method: "GET", path: "blobs?continuation=%25%25%25", status: 400 },
      ],
    ],
    [
      "GET /api/pubsub/negotiate",
      [
        { what: "no key", method: "GET", path: "pubsub/negotiate", status: 401, withoutKey: true },
        { what: "an empty userId", method: "GET", path: "pubsub/negotiate?userId=", status: 400 },
        { what: "userId '.'", method: "GET", path: "pubsub/negotiate?userId=.", status: 400 },
        { what: "a userId with a control character", method: "GET", path: "pubsub/negotiate?userId=a%0Ab", status: 400 },
        { what: "a userId over 1024 characters", method: "GET", path: `pubsub/negotiate?userId=${"u".repeat(1025)}`, status: 400 },
        { what: "a wrong method", method: "POST", path: "pubsub/negotiate", status: 405, body: "{}" },
      ],
    ],
    [
      "POST /api/pubsub/messages",
      [
        { what: "no key", method: "POST", path: "pubsub/messages", status: 401, body: '{"message":"x"}', withoutKey: true },
        { what: "an empty body", method: "POST", path: "pubsub/messages", status: 400, body: "" },
        { what: "a body that is not JSON", method: "POST", path: "pubsub/messages", status: 400, body: "message=x" },
        { what: "an array body", method: "POST", path: "pubsub/messages", status: 400, body: '["x"]' },
        { what: "no message", method: "POST", path: "pubsub/messages", status: 400, body: '{"group":"g"}' },
        { what: "an unknown field", method: "POST", path: "pubsub/messages", status: 400, body: '{"message":"x","to":"all"}' },
        {
          what: "group and userId",
          method: "POST",
          path: "pubsub/messages",
          status: 400,
          body: '{"message":"x","group":"g","userId":"u"}',
        },
        { what: "a group of whitespace", method: "POST", path: "pubsub/messages", status: 400, body: '{"message":"x","group":"   "}' },
        { what: "a group that is a number", method: "POST", path: "pubsub/messages", status: 400, body: '{"message":"x","group":7}' },
        { what: "userId '..'", method: "POST", path: "pubsub/messages", status: 400, body: '{"message":"x","userId":".."}' },
        { what: "group '%2E%2E'", method: "POST", path: "pubsub/messages", status: 400, body: '{"message":"x","group":"%2E%2E"}' },
        { what: "a 10,000-deep message", method: "POST", path: "pubsub/messages", status: 400, body: deep },
        {
          what: "a body over 1 MiB",
          method: "POST",
          path: "pubsub/messages",
          status: 413,
          body: JSON.stringify({ message: "m".repeat(1024 * 1024) }),
        },
        { what: "a wrong method", method: "GET", path: "pubsub/messages", status: 405 },
      ],
    ],
    [
      "POST|GET /api/quantum/jobs",
      [
        { what: "no key", method: "POST", path: "quantum/jobs", status: 401, body: JSON.stringify({ circuit: bell }), withoutKey: true },
        { what: "a body that is not JSON", method: "POST", path: "quantum/jobs", status: 400, body: "circuit" },
        { what: "no circuit", method: "POST", path: "quantum/jobs", status: 400, body: '{"shots":10}' },
        {
          what: "qubits of the wrong type",
          method: "POST",
          path: "quantum/jobs",
          status: 400,
          body: '{"circuit":{"qubits":"two","circuit":[]}}',
        },
        {
          what: "an unknown target",
          method: "POST",
          path: "quantum/jobs",
          status: 400,
          body: JSON.stringify({ circuit: bell, target: "../providerStatus" }),
        },
        {
          what: "a target the workspace lacks",
          method: "POST",
          path: "quantum/jobs",
          status: 400,
          body: JSON.stringify({ circuit: bell, target: "ionq.qpu.aria-2" }),
        },
        { what: "shots 0", method: "POST", path: "quantum/jobs", status: 400, body: JSON.stringify({ circuit: bell, shots: 0 }) },
        { what: "a 10,000-deep body", method: "POST", path: "quantum/jobs", status: 400, body: `{"circuit":${nestedArrays(10_000)}}` },
        {
          what: "a body over 256 KiB",
          method: "POST",
          path: "quantum/jobs",
          status: 413,
          body: JSON.stringify({ circuit: bell, name: "n".repeat(256 * 1024) }),
        },
        { what: "top 0", method: "GET", path: "quantum/jobs?top=0", status: 400 },
        { what: "a continuation that is not a token", method: "GET", path: "quantum/jobs?continuation=not%20a%20token", status: 400 },
        { what: "a wrong method", method: "PATCH", path: "quantum/jobs", status: 405, body: "{}" },
      ],
    ],
    [
      "GET|DELETE /api/quantum/jobs/{id}",
      [
        { what: "no key", method: "GET", path: "quantum/jobs/3f2504e0-4f89-41d3-9a0c-0305e82c3301", status: 401, withoutKey: true },
        { what: "an ID that is not a UUID", method: "GET", path: "quantum/jobs/latest", status: 400 },
        { what: "a traversal in the ID", method: "DELETE", path: "quantum/jobs/..%2F..%2FproviderStatus", status: 400 },
        { what: "an unknown job", method: "GET", path: "quantum/jobs/3f2504e0-4f89-41d3-9a0c-0305e82c3301", status: 404 },
        { what: "a wrong method", method: "PUT", path: "quantum/jobs/3f2504e0-4f89-41d3-9a0c-0305e82c3301", status: 405, body: "{}" },
      ],
    ],
    [
      "GET /api/dashboard",
      [
        { what: "no key", method: "GET", path: "dashboard", status: 401, withoutKey: true },
        { what: "a wrong method", method: "POST", path: "dashboard", status: 405, body: "<script>" },
      ],
    ],
  ];

  describe.each(routes)("%s", (_route, requests) => {
    it.each(requests.map((request) => [request.what, request] as const))(
      "answers %s with its 4xx as problem+json",
      async (_what, request) => {
        const response = await call(api(request.path), {
          method: request.method,
          headers: { ...(request.withoutKey ? {} : withKey), "content-type": "application/json", ...request.headers },
          ...(request.body !== undefined ? { body: request.body } : {}),
        });
        expectProblem(response, request.status);
      },
    );
  });

  it("wrote nothing for any refused request, and the app still serves", async () => {
    expect((await blobNames("identity-probe")).filter((name) => name.startsWith("hostile/"))).toEqual([]);
    expect((await call(api("health/identity"))).status).toBe(200);
    expect(host.output()).not.toMatch(/Maximum call stack size exceeded/);
  });
});
