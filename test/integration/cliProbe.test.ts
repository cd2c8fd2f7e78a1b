// `identity-probe probe`, the built CLI, run as a child process against the real local identity endpoint
// (App Service protocol) and Azurite. Every run is a fresh process, so MSAL's per-process token cache
// starts empty each time: a fault set before a run is met before the first token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { localUserIdentity } from "../../local/identity/localIdentities.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { cliEnvironment, closedLoopbackPort, runCli, type ChildEnvironment } from "../fixtures/cli.js";
import {
  startTestArmEmulator,
  startTestAzurite,
  startTestIdentityEndpoint,
  type TestArmEmulator,
  type TestAzurite,
} from "../fixtures/localServices.js";

const unknownClientId = "0badc0de-0000-4000-8000-000000000404";
const storageAccountId =
  "/subscriptions/00000000-1d00-4000-8000-000000000001/resourceGroups/identity-probe-local/providers/Microsoft.Storage/storageAccounts/devstoreaccount1";

function environmentFor(
  endpoint: IdentityEndpoint,
  azurite: TestAzurite,
  arm: TestArmEmulator,
  settings: ChildEnvironment = {},
): ChildEnvironment {
  return cliEnvironment({
    ...endpoint.environment("AppService"),
    // App Service protocol only: MSAL picks one identity source per process.
    AZURE_POD_IDENTITY_AUTHORITY_HOST: undefined,
    AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential",
    AZURE_STORAGE_BLOB_ENDPOINT: azurite.blobEndpoint,
    AZURE_STORAGE_ACCOUNT_ID: storageAccountId,
    AZURE_RESOURCE_MANAGER_ENDPOINT: arm.endpoint,
    // A check slower than half its deadline is a warn: generous, so that a loaded machine does not turn a
    // pass into a warn. Tests about deadlines pass --timeout, which replaces it.
    IDENTITY_PROBE_TIMEOUT_MS: "20000",
    ...settings,
  });
}

/** The table's row for a check and identity: its cells, split on the column gaps. */
function row(stdout: string, check: string, identity: string): string[] | undefined {
  return stdout
    .split("\n")
    .map((line) => line.trim().split(/\s{2,}/))
    .find((cells) => cells[0] === check && cells[1] === identity);
}

describe("identity-probe probe against the local identity endpoint and Azurite", () => {
  let endpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let arm: TestArmEmulator;
  let environment: ChildEnvironment;

  beforeAll(async () => {
    endpoint = await startTestIdentityEndpoint();
    azurite = await startTestAzurite();
    arm = await startTestArmEmulator(endpoint);
    environment = environmentFor(endpoint, azurite, arm);
  });
  afterAll(async () => {
    await arm?.close();
    await azurite?.close();
    await endpoint?.close();
  });

  it("passes with exit code 0 and a row per check, and keeps stderr quiet in a pipe", async () => {
    const run = await runCli(["probe"], { env: environment });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^identity-probe: PASS/);
    for (const check of ["storage:token", "webpubsub:token", "quantum:token", "arm:token", "storage:access", "arm:access", "identity:endpoint"]) {
      expect(row(run.stdout, check, "system")?.[2], check).toBe("pass");
    }
    expect(row(run.stdout, "storage:token", "system")?.[3]).toMatch(/^\d+ ms$/);
    // Resources whose endpoint is not set are skipped, and the table says which setting is missing.
    for (const check of ["webpubsub:access", "quantum:access"]) {
      const cells = row(run.stdout, check, "system");
      if (cells) expect(cells[2], check).toBe("skipped");
    }
    // Not a terminal: no colour, no spinner.
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("prints the report itself with --json", async () => {
    const run = await runCli(["probe", "--json"], { env: environment });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as HealthReport;
    const { version } = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(report).toMatchObject({ status: "pass", version: "1", releaseId: version, identity: { source: "AppService" } });
    expect(report.checks["identity:endpoint"]?.[0]).toMatchObject({ status: "pass", componentId: endpoint.appServiceEndpoint });
    expect(report.checks["storage:access"]?.[0]).toMatchObject({ status: "pass", componentId: `${azurite.blobEndpoint}/identity-probe` });
  });

  it("fails with exit code 1 and names identity-not-found for an unknown --identity, with the fix", async () => {
    const run = await runCli(["probe", "--identity", unknownClientId], { env: environment });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^identity-probe: FAIL/);
    expect(row(run.stdout, "arm:token", "system")?.[2]).toBe("pass");
    expect(row(run.stdout, "arm:token", "user-assigned-2")?.slice(2)).toEqual(["fail", expect.stringMatching(/ms$/), "identity-not-found"]);
    expect(run.stdout).toMatch(new RegExp(`fix: .*${unknownClientId}`));
  });

  it("lets the flags replace the settings they stand for", async () => {
    // The setting names an identity that does not exist; --identity replaces it, --audience adds one.
    const env = { ...environment, IDENTITY_PROBE_IDENTITIES: unknownClientId, IDENTITY_PROBE_AUDIENCES: "https://vault.azure.net" };
    const run = await runCli(["probe", "--identity", localUserIdentity.clientId, "--audience", "https://graph.microsoft.com", "--json"], {
      env,
    });
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as HealthReport;
    expect(report.identity?.identities.map((identity) => identity.name)).toEqual(["system", "user-assigned-2"]);
    expect(report.identity?.identities[1]?.clientId).toBe(localUserIdentity.clientId);
    expect(report.checks["graph:token"]?.map((entry) => entry.status)).toEqual(["pass", "pass"]);
    expect(report.checks["vault:token"]).toBeUndefined();
  });

  it("fails with exit code 1 and endpoint-error when the identity endpoint answers 500 before the first token", async () => {
    endpoint.setFault({ mode: "status", status: 500 });
    try {
      // MSAL retries a 500 for many seconds: the token checks end at their deadline, while the raw
      // identity-endpoint call (no retries, no cache) names the cause.
      const run = await runCli(["probe", "--timeout", "2000"], { env: environment });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/^identity-probe: FAIL/);
      expect(row(run.stdout, "identity:endpoint", "system")?.slice(2)).toEqual(["fail", expect.stringMatching(/ms$/), "endpoint-error"]);
      expect(run.stdout).toContain("output: 500");
      expect(row(run.stdout, "arm:token", "system")?.[2]).toBe("fail");
    } finally {
      endpoint.setFault(undefined);
    }
  });

  it("fails with exit code 1 and identity-unavailable when nothing listens where the identity endpoint should be", async () => {
    const port = await closedLoopbackPort();
    const env = cliEnvironment({
      ...environment,
      IDENTITY_ENDPOINT: undefined,
      IDENTITY_HEADER: undefined,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${port}`,
    });
    const run = await runCli(["probe", "--timeout", "1500"], { env });
    expect(run.exitCode).toBe(1);
    expect(row(run.stdout, "identity:endpoint", "system")?.[4]).toBe("identity-unavailable");
    expect(row(run.stdout, "storage:token", "system")?.[2]).toBe("fail");
  });

  it("exits 2 with a one-line reason when DefaultAzureCredential refuses its settings", async () => {
    const run = await runCli(["probe"], { env: { ...environment, AZURE_TOKEN_CREDENTIALS: "NoSuchCredential" } });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n").filter(Boolean)).toEqual([
      expect.stringMatching(/^identity-probe: probe produced no report: .*AZURE_TOKEN_CREDENTIALS/),
    ]);
  });

  it("never prints a token or the identity header", async () => {
    const run = await runCli(["probe", "--json"], { env: environment });
    expect(run.stdout + run.stderr).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(run.stdout + run.stderr).not.toContain(endpoint.identityHeader);
  });
});

describe("identity-probe probe with tokens about to expire", () => {
  let endpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let arm: TestArmEmulator;
  let environment: ChildEnvironment;

  beforeAll(async () => {
    // Two minutes: inside the report's 5-minute expiry warning, still valid for Azurite.
    endpoint = await startTestIdentityEndpoint({ tokenLifetimeSeconds: 120 });
    azurite = await startTestAzurite();
    arm = await startTestArmEmulator(endpoint);
    environment = environmentFor(endpoint, azurite, arm);
  });
  afterAll(async () => {
    await arm?.close();
    await azurite?.close();
    await endpoint?.close();
  });

  it("warns with exit code 0, and exit code 1 with --strict", async () => {
    const run = await runCli(["probe"], { env: environment });
    expect(run.stdout).toMatch(/^identity-probe: WARN/);
    expect(row(run.stdout, "storage:token", "system")?.[2]).toBe("warn");
    expect(run.stdout).toContain("note: the token expires within 5 minutes");
    expect(run.exitCode).toBe(0);

    const strict = await runCli(["probe", "--strict"], { env: environment });
    expect(strict.stdout).toMatch(/^identity-probe: WARN/);
    expect(strict.exitCode).toBe(1);
  });
});
