// Every row of shared/failure-signatures.md, replayed verbatim over the wire through the local emulators and
// the real SDKs: the app (its CLI's `probe`, a fresh process per row, so that no token cache or identity source
// carries over) must give the row's category and a remediation that says what the row requires.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { localSystemIdentity, localUnprivilegedIdentity } from "../../local/identity/localIdentities.js";
import type { QuantumEmulator } from "../../local/quantum/quantumEmulator.js";
import type { StorageFront } from "../../local/storage/storageFront.js";
import type { WebPubSubEmulator } from "../../local/webpubsub/webPubSubEmulator.js";
import type { CheckEntry, HealthReport } from "../../src/shared/healthReport.js";
import { cliEnvironment, closedLoopbackPort, runCli, type ChildEnvironment } from "../fixtures/cli.js";
import {
  startTestAzurite,
  startTestIdentityEndpoint,
  startTestQuantumEmulator,
  startTestStorageFront,
  startTestWebPubSubEmulator,
  type TestAzurite,
} from "../fixtures/localServices.js";
import { localStorageAccountId, localWebPubSubId } from "../fixtures/spineApp.js";
import {
  startNxdomainResolver,
  startUntrustedChainServer,
  type NxdomainResolver,
  type UntrustedChainServer,
} from "../fixtures/transportFailures.js";

const unknownClientId = "11111111-2222-4333-8444-555555555555";

interface Expectation {
  readonly check: string;
  readonly identity?: string;
  readonly category: string;
  readonly status?: "fail" | "warn";
  readonly mustSay: readonly string[];
  readonly mustNotSay?: readonly RegExp[];
}

describe("every row of the failure signatures, replayed through the emulators", () => {
  let identity: IdentityEndpoint;
  let azurite: TestAzurite;
  let front: StorageFront;
  let webPubSub: WebPubSubEmulator;
  let quantum: QuantumEmulator;
  let resolver: NxdomainResolver;
  let untrusted: UntrustedChainServer;

  beforeAll(async () => {
    identity = await startTestIdentityEndpoint();
    azurite = await startTestAzurite();
    [front, webPubSub, quantum, resolver, untrusted] = await Promise.all([
      startTestStorageFront(identity, azurite),
      startTestWebPubSubEmulator(identity),
      startTestQuantumEmulator(identity, azurite),
      startNxdomainResolver(),
      startUntrustedChainServer(),
    ]);
  });
  afterAll(async () => {
    await untrusted?.close();
    await resolver?.close();
    await quantum?.close();
    await webPubSub?.close();
    await front?.close();
    await azurite?.close();
    await identity?.close();
  });

  const appService = (): ChildEnvironment => ({ ...identity.environment("AppService"), AZURE_POD_IDENTITY_AUTHORITY_HOST: undefined });
  const imds = (): ChildEnvironment => ({
    IDENTITY_ENDPOINT: undefined,
    IDENTITY_HEADER: undefined,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: identity.url,
  });
  const resources = (container: string): ChildEnvironment => ({
    AZURE_STORAGE_BLOB_ENDPOINT: front.blobEndpoint,
    AZURE_STORAGE_ACCOUNT_ID: localStorageAccountId,
    AZURE_STORAGE_CONTAINER: container,
    AZURE_WEBPUBSUB_ENDPOINT: webPubSub.endpoint,
    AZURE_WEBPUBSUB_ID: localWebPubSubId,
    AZURE_QUANTUM_ENDPOINT: quantum.endpoint,
    AZURE_QUANTUM_WORKSPACE_ID: quantum.workspaceId,
  });

  async function probe(env: ChildEnvironment, args: readonly string[] = [], wrap?: readonly string[]): Promise<HealthReport> {
    const run = await runCli(["probe", "--json", ...args], { env: cliEnvironment(env), ...(wrap ? { wrap } : {}) });
    expect(run.exitCode, run.stderr).not.toBe(2);
    return JSON.parse(run.stdout) as HealthReport;
  }

  function expectEntry(report: HealthReport, expectation: Expectation): CheckEntry {
    const entry = report.checks[expectation.check]?.find((candidate) => candidate.identity === (expectation.identity ?? "system"));
    expect(entry, `${expectation.check} for ${expectation.identity ?? "system"}`).toBeDefined();
    expect(entry?.errorCategory).toBe(expectation.category);
    expect(entry?.status).toBe(expectation.status ?? "fail");
    const said = `${entry?.output ?? ""}\n${entry?.remediation ?? ""}\n${entry?.note ?? ""}`;
    for (const phrase of expectation.mustSay) expect(said).toContain(phrase);
    for (const pattern of expectation.mustNotSay ?? []) expect(said).not.toMatch(pattern);
    return entry as CheckEntry;
  }

  it("a: App Service, a user-assigned client ID not assigned to the app", async () => {
    const report = await probe({ ...appService(), ...resources("replay-a") }, ["--identity", unknownClientId]);
    expectEntry(report, {
      check: "arm:token",
      identity: "user-assigned-2",
      category: "identity-not-found",
      mustSay: [unknownClientId, "az functionapp identity assign", "AZURE_CLIENT_ID / IDENTITY_PROBE_IDENTITIES"],
    });
  });

  it("b: IMDS, a user-assigned client ID not assigned to the VM", async () => {
    const report = await probe({ ...imds(), ...resources("replay-b") }, ["--identity", unknownClientId]);
    expectEntry(report, {
      check: "storage:token",
      identity: "user-assigned-2",
      category: "identity-not-found",
      mustSay: [unknownClientId, "AZURE_CLIENT_ID"],
    });
  });

  it("c: no identity endpoint answers (system-assigned identity not enabled)", async () => {
    const closed = await closedLoopbackPort();
    const report = await probe({
      IDENTITY_ENDPOINT: undefined,
      IDENTITY_HEADER: undefined,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${closed}`,
    });
    expectEntry(report, {
      check: "arm:token",
      category: "identity-unavailable",
      mustSay: ["enable the system-assigned identity", "AZURE_CLIENT_ID"],
    });
  });

  it("d1: an audience Entra ID does not know, as IMDS passes it through", async () => {
    identity.setFault({ mode: "signature", signature: "entra-resource-unknown", resource: "https://managements.azure.com" });
    try {
      const report = await probe(imds(), ["--audience", "https://managements.azure.com"]);
      expectEntry(report, {
        check: "managements:token",
        category: "audience-invalid",
        mustSay: ["https://managements.azure.com", "IDENTITY_PROBE_AUDIENCES"],
      });
    } finally {
      identity.setFault(undefined);
    }
  });

  it("e1: the Functions identity endpoint's 500", async () => {
    identity.setFault({ mode: "signature", signature: "appservice-token-fetch-failed" });
    try {
      const report = await probe(appService());
      expectEntry(report, {
        check: "storage:token",
        category: "endpoint-error",
        mustSay: ["500", "asks again", "restart the app"],
        mustNotSay: [/throttl/],
      });
    } finally {
      identity.setFault(undefined);
    }
  });

  it("e3: IMDS throttling, without Retry-After", async () => {
    identity.setFault({ mode: "signature", signature: "imds-throttled" });
    try {
      const report = await probe(imds());
      expectEntry(report, {
        check: "webpubsub:token",
        category: "endpoint-error",
        mustSay: ["429", "throttling", "20 token requests per second and 5 at once"],
      });
    } finally {
      identity.setFault(undefined);
    }
  });

  it("n1: a token request that hangs is a timeout, on time", async () => {
    identity.setFault({ mode: "hang" });
    try {
      const report = await probe({ ...appService(), IDENTITY_PROBE_TIMEOUT_MS: "1500" });
      const entry = expectEntry(report, {
        check: "arm:token",
        category: "timeout",
        mustSay: ["managed identity endpoint", "1500 ms", "IDENTITY_PROBE_TIMEOUT_MS"],
      });
      expect(entry.observedValue).toBeLessThanOrEqual(1500 + 1500);
    } finally {
      identity.setFault(undefined);
    }
  });

  it("f: the Blob data role is missing", async () => {
    front.setFault({ signature: "storage-data-role-missing", pathContains: "/replay-f" });
    try {
      const report = await probe({ ...appService(), ...resources("replay-f") });
      expectEntry(report, {
        check: "storage:access",
        category: "forbidden",
        status: "warn",
        mustSay: [
          "403 AuthorizationPermissionMismatch",
          "'Storage Blob Data Contributor'",
          localSystemIdentity.objectId,
          localStorageAccountId,
          "az role assignment create",
          "likely a role assignment still propagating",
        ],
      });
    } finally {
      front.setFault(undefined);
    }
  });

  it("g: the account's firewall or network rules refuse the caller", async () => {
    front.setFault({ signature: "storage-network-rules", pathContains: "/replay-g" });
    try {
      const report = await probe({ ...appService(), ...resources("replay-g") });
      expectEntry(report, {
        check: "storage:access",
        category: "network",
        mustSay: ["403 AuthorizationFailure", "network rules", "not a missing role"],
        mustNotSay: [/propagat|30 minutes/],
      });
    } finally {
      front.setFault(undefined);
    }
  });

  it("h1: Storage refuses the token's audience", async () => {
    front.setFault({ signature: "storage-token-audience", pathContains: "/replay-h1" });
    try {
      const report = await probe({ ...appService(), ...resources("replay-h1") });
      expectEntry(report, {
        check: "storage:access",
        category: "unauthorized",
        mustSay: ["401 InvalidAuthenticationInfo", "https://storage.azure.com"],
      });
    } finally {
      front.setFault(undefined);
    }
  });

  it("h2: a token from another tenant", async () => {
    identity.setFault({ mode: "other-tenant", resource: "https://storage.azure.com" });
    try {
      const report = await probe({ ...appService(), ...resources("replay-h2") });
      expectEntry(report, { check: "storage:access", category: "unauthorized", mustSay: ["401 InvalidAuthenticationInfo", "tenant"] });
    } finally {
      identity.setFault(undefined);
    }
  });

  it("h3: Storage says the token has expired", async () => {
    front.setFault({ signature: "storage-token-expired", pathContains: "/replay-h3" });
    try {
      const report = await probe({ ...appService(), ...resources("replay-h3") });
      expectEntry(report, {
        check: "storage:access",
        category: "unauthorized",
        mustSay: ["expired", "clock", "not an audience or tenant problem"],
      });
    } finally {
      front.setFault(undefined);
    }
  });

  it("i: a container that does not exist yet passes: the app creates it", async () => {
    const report = await probe({ ...appService(), ...resources("replay-i-fresh") });
    expect(report.checks["storage:access"]?.[0]).toMatchObject({ status: "pass" });
  });

  it("m1: the storage account's name does not resolve", async () => {
    const report = await probe(
      { ...appService(), ...resources("replay-m1"), AZURE_STORAGE_BLOB_ENDPOINT: "https://identityprobenosuchacct.blob.core.windows.net" },
      [],
      resolver.wrap,
    );
    expectEntry(report, {
      check: "storage:access",
      category: "network",
      mustSay: ["ENOTFOUND", "does not resolve", "AZURE_STORAGE_BLOB_ENDPOINT"],
    });
  });

  it("k2: the Web PubSub data role is missing", async () => {
    const report = await probe({ ...appService(), ...resources("replay-k2") }, ["--identity", localUnprivilegedIdentity.clientId]);
    expectEntry(report, {
      check: "webpubsub:access",
      identity: "user-assigned-2",
      category: "forbidden",
      status: "warn",
      mustSay: ["403 Error.Forbidden", "'Web PubSub Service Owner'", localUnprivilegedIdentity.objectId, localWebPubSubId],
    });
  });

  it("m2: the Web PubSub endpoint refuses the connection", async () => {
    const closed = await closedLoopbackPort();
    const report = await probe({ ...appService(), ...resources("replay-m2"), AZURE_WEBPUBSUB_ENDPOINT: `https://127.0.0.1:${closed}` });
    expectEntry(report, { check: "webpubsub:access", category: "network", mustSay: ["ECONNREFUSED", "refused the connection"] });
  });

  it("m3: the Quantum endpoint's certificate chain is not trusted", async () => {
    const report = await probe({ ...appService(), ...resources("replay-m3"), AZURE_QUANTUM_ENDPOINT: untrusted.url });
    expectEntry(report, { check: "quantum:access", category: "network", mustSay: ["SELF_SIGNED_CERT_IN_CHAIN", "certificate"] });
  });
});
