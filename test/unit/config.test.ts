import { describe, expect, it } from "vitest";
import { loadConfig as loadAppConfig } from "../../src/config.js";
import { quantum } from "../../src/resources/quantum.js";
import { resourceDefinitions } from "../../src/resources/resourceDefinitions.js";
import { storage } from "../../src/resources/storage.js";
import { webPubSub } from "../../src/resources/webPubSub.js";
import { checkNcrontab } from "../../src/shared/ncrontab.js";
import { defaultSchedule, timerScheduleBinding } from "../../src/timerSchedule.js";

/** The app's configuration with its resources, and each resource's state by name. */
function loadConfig(env: Record<string, string>) {
  const config = loadAppConfig(env, "0.0.0", resourceDefinitions);
  return {
    ...config,
    storage: config.resourceSettings(storage),
    webPubSub: config.resourceSettings(webPubSub),
    quantum: config.resourceSettings(quantum),
  };
}

const workspaceId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Quantum/Workspaces/ws";

describe("configuration", () => {
  it("defaults to the system-assigned identity, the default schedule and timeout, and no resources", () => {
    const config = loadConfig({});
    expect(config.identities).toEqual([{ name: "system", clientId: undefined, isAppIdentity: true }]);
    expect(config.schedule).toBe(defaultSchedule);
    expect(config.timeoutMs).toBe(5000);
    expect(config.storage).toEqual({ state: "unset", setting: "AZURE_STORAGE_BLOB_ENDPOINT" });
    expect(config.webPubSub.state).toBe("unset");
    expect(config.quantum.state).toBe("unset");
    expect(config.problems).toEqual([]);
    expect(config.serviceId).toBe("local");
    expect(config.managedIdentity).toEqual({});
  });

  it("reads every resource when configured", () => {
    const config = loadConfig({
      AZURE_CLIENT_ID: "5E0C1D00-0000-4000-8000-00000000A002",
      IDENTITY_PROBE_IDENTITIES: "system, 5e0c1d00-0000-4000-8000-00000000a003",
      IDENTITY_PROBE_AUDIENCES: "https://vault.azure.net/.default",
      AZURE_STORAGE_BLOB_ENDPOINT: "https://acct.blob.core.windows.net/",
      AZURE_WEBPUBSUB_ENDPOINT: "https://name.webpubsub.azure.com",
      AZURE_QUANTUM_ENDPOINT: "https://westus.quantum.azure.com",
      AZURE_QUANTUM_WORKSPACE_ID: workspaceId,
      IDENTITY_ENDPOINT: "http://localhost:4141/msi/token",
      IDENTITY_HEADER: "secret",
      WEBSITE_SITE_NAME: "my-app",
    });
    expect(config.problems).toEqual([]);
    expect(config.identities.map((identity) => identity.name)).toEqual(["user-assigned", "system", "user-assigned-2"]);
    expect(config.appClientId).toBe("5e0c1d00-0000-4000-8000-00000000a002");
    expect(config.extraAudiences).toEqual(["https://vault.azure.net"]);
    expect(config.storage).toMatchObject({
      state: "configured",
      value: { endpoint: "https://acct.blob.core.windows.net", container: "identity-probe", historyContainer: "probe-history" },
    });
    expect(config.webPubSub).toMatchObject({ state: "configured", value: { hub: "identityprobe" } });
    expect(config.quantum).toMatchObject({
      state: "configured",
      value: { workspace: { workspaceName: "ws", resourceGroup: "rg" }, apiVersion: "2026-01-15-preview" },
    });
    expect(config.managedIdentity).toEqual({ identityEndpoint: "http://localhost:4141/msi/token", identityHeader: "secret" });
    expect(config.serviceId).toBe("my-app");
  });

  it.each([
    ["AZURE_STORAGE_BLOB_ENDPOINT", "not a url", "storage"],
    ["AZURE_STORAGE_BLOB_ENDPOINT", "http://acct.blob.core.windows.net", "storage"],
    ["AZURE_STORAGE_BLOB_ENDPOINT", "https://acct.blob.core.windows.net/?sv=1&sig=x", "storage"],
    ["AZURE_STORAGE_CONTAINER", "Bad_Name", "storage"],
    ["PROBE_HISTORY_CONTAINER", "a", "storage"],
    ["AZURE_WEBPUBSUB_ENDPOINT", "ftp://x", "webPubSub"],
    ["AZURE_WEBPUBSUB_HUB", "1hub", "webPubSub"],
  ] as const)("reports a malformed %s (%s) as misconfiguring %s, naming the setting", (setting, value, resource) => {
    const env: Record<string, string> = {
      AZURE_STORAGE_BLOB_ENDPOINT: "https://acct.blob.core.windows.net",
      AZURE_WEBPUBSUB_ENDPOINT: "https://x.webpubsub.azure.com",
      [setting]: value,
    };
    const config = loadConfig(env);
    expect(config[resource].state).toBe("misconfigured");
    expect(config.problems.map((problem) => problem.setting)).toContain(setting);
    expect(config.problems.find((problem) => problem.setting === setting)?.message).toContain(setting);
  });

  it.each([
    ["AZURE_CLIENT_ID", "not-a-guid"],
    ["IDENTITY_PROBE_IDENTITIES", "system,bogus"],
    ["IDENTITY_PROBE_AUDIENCES", "ftp://nope"],
    ["IDENTITY_PROBE_SCHEDULE", "every five minutes"],
    ["IDENTITY_PROBE_SCHEDULE", "*/5 * * * *"],
    ["IDENTITY_PROBE_SCHEDULE", "foo bar baz qux quux corge"],
    ["IDENTITY_PROBE_SCHEDULE", "0 60 * * * *"],
    ["IDENTITY_PROBE_TIMEOUT_MS", "fast"],
    ["IDENTITY_PROBE_TIMEOUT_MS", "10"],
    ["IDENTITY_PROBE_MAX_CONCURRENT_TOKEN_REQUESTS", "0"],
    ["IDENTITY_PROBE_MAX_CONCURRENT_TOKEN_REQUESTS", "five"],
    ["IDENTITY_PROBE_MAX_TOKEN_REQUESTS_PER_SECOND", "2.5"],
    ["IDENTITY_PROBE_MAX_TOKEN_REQUESTS_PER_SECOND", "100000"],
    ["IDENTITY_PROBE_FAILURE_MEMORY_SECONDS", "-1"],
    ["IDENTITY_PROBE_ENDPOINT_CHECK_INTERVAL_SECONDS", "1e9"],
    ["AZURE_QUANTUM_WORKSPACE_ID", "/subscriptions/x"],
  ] as const)("reports a malformed %s (%s) as a problem naming the setting, and still loads", (setting, value) => {
    const config = loadConfig({
      AZURE_QUANTUM_ENDPOINT: "https://westus.quantum.azure.com",
      AZURE_QUANTUM_WORKSPACE_ID: workspaceId,
      [setting]: value,
    });
    expect(config.problems.map((problem) => problem.setting)).toContain(setting);
    expect(config.timeoutMs).toBeGreaterThanOrEqual(100);
  });

  it("is polite to the identity endpoint by default: IMDS's limits, failures remembered 30 s, the raw check once a minute", () => {
    expect(loadConfig({}).politeness).toEqual({
      limits: { maxInFlight: 5, maxPerSecond: 20 },
      failureMemoryMs: 30_000,
      endpointCheckIntervalMs: 60_000,
    });
    const tuned = loadConfig({
      IDENTITY_PROBE_MAX_CONCURRENT_TOKEN_REQUESTS: "2",
      IDENTITY_PROBE_MAX_TOKEN_REQUESTS_PER_SECOND: "10",
      IDENTITY_PROBE_FAILURE_MEMORY_SECONDS: "0",
      IDENTITY_PROBE_ENDPOINT_CHECK_INTERVAL_SECONDS: "300",
    });
    expect(tuned.politeness).toEqual({
      limits: { maxInFlight: 2, maxPerSecond: 10 },
      failureMemoryMs: 0,
      endpointCheckIntervalMs: 300_000,
    });
    expect(tuned.problems).toEqual([]);
  });

  it.each(["2026-08-01-preview", "2026-01-15-preview", " 2027-01-01 "])("sends AZURE_QUANTUM_API_VERSION=%s when it is set", (version) => {
    const config = loadConfig({
      AZURE_QUANTUM_ENDPOINT: "https://westus.quantum.azure.com",
      AZURE_QUANTUM_WORKSPACE_ID: workspaceId,
      AZURE_QUANTUM_API_VERSION: version,
    });
    expect(config.quantum).toMatchObject({ state: "configured", value: { apiVersion: version.trim() } });
  });

  it.each(["latest", "2026-01-15-preview&x=1", "26-1-15"])("reports AZURE_QUANTUM_API_VERSION=%s as misconfiguring Quantum", (version) => {
    const config = loadConfig({
      AZURE_QUANTUM_ENDPOINT: "https://westus.quantum.azure.com",
      AZURE_QUANTUM_WORKSPACE_ID: workspaceId,
      AZURE_QUANTUM_API_VERSION: version,
    });
    expect(config.quantum.state).toBe("misconfigured");
    expect(config.problems.find((problem) => problem.setting === "AZURE_QUANTUM_API_VERSION")?.message).toMatch(
      /^AZURE_QUANTUM_API_VERSION must be a Quantum data-plane api-version/,
    );
  });

  it("needs the Quantum endpoint and workspace together", () => {
    expect(loadConfig({ AZURE_QUANTUM_ENDPOINT: "https://westus.quantum.azure.com" }).quantum.state).toBe("misconfigured");
    expect(loadConfig({ AZURE_QUANTUM_WORKSPACE_ID: workspaceId }).quantum.state).toBe("misconfigured");
  });

  it("reports settings of no resource apart from the resources' own", () => {
    const config = loadConfig({
      AZURE_CLIENT_ID: "nope",
      AZURE_STORAGE_CONTAINER: "Bad_Name",
      AZURE_STORAGE_BLOB_ENDPOINT: "https://a.blob.core.windows.net",
    });
    expect(config.generalProblems.map((problem) => problem.setting)).toEqual(["AZURE_CLIENT_ID"]);
    expect(config.problems.map((problem) => problem.setting)).toEqual(["AZURE_CLIENT_ID", "AZURE_STORAGE_CONTAINER"]);
  });

  it("treats an empty setting as unset, like App Service", () => {
    expect(loadConfig({ AZURE_STORAGE_BLOB_ENDPOINT: "  " }).storage.state).toBe("unset");
  });

  it.each([
    [{}, defaultSchedule],
    [{ IDENTITY_PROBE_SCHEDULE: "0 0 * * * *" }, "%IDENTITY_PROBE_SCHEDULE%"],
    [{ IDENTITY_PROBE_SCHEDULE: ` ${defaultSchedule} ` }, "%IDENTITY_PROBE_SCHEDULE%"],
    [{ IDENTITY_PROBE_SCHEDULE: "nonsense" }, undefined],
    [{ IDENTITY_PROBE_SCHEDULE: "foo bar baz qux quux corge" }, undefined],
    [{ IDENTITY_PROBE_SCHEDULE: "0 30 9 * * MON-FRI" }, "%IDENTITY_PROBE_SCHEDULE%"],
  ])("binds the timer schedule for %j to %s", (env, expected) => {
    expect(timerScheduleBinding(env)).toBe(expected);
  });

  it("has a default schedule that croner accepts (registration trusts it without building a schedule)", () => {
    expect(checkNcrontab(defaultSchedule)).toEqual({ ok: true });
  });
});
