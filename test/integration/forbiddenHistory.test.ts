// A 403 counts from the first time it was seen, in the probe history too: one process (the app in the dev
// host, its timer writing the history) sees an identity refused by Web PubSub; another process started later
// (the CLI's probe) reads that history and reports the refusal as `fail` once it is older than the window,
// whatever the age of its own process, and says since when.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { localUnprivilegedIdentity } from "../../local/identity/localIdentities.js";
import type { WebPubSubEmulator } from "../../local/webpubsub/webPubSubEmulator.js";
import { createProbeHistory, type ProbeHistory } from "../../src/services/blob/probeHistory.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { cliEnvironment, runCli } from "../fixtures/cli.js";
import {
  call,
  ensureBuilt,
  projectRoot,
  realAppEnvironment,
  startChildDevHost,
  testFunctionKey,
  type ChildDevHost,
} from "../fixtures/devHost.js";
import {
  startTestAzurite,
  startTestIdentityEndpoint,
  startTestWebPubSubEmulator,
  useIdentityEnvironment,
  type TestAzurite,
} from "../fixtures/localServices.js";

const historyContainer = "history-forbidden";

describe("a refusal remembered across processes", () => {
  let identity: IdentityEndpoint;
  let azurite: TestAzurite;
  let webPubSub: WebPubSubEmulator;
  let host: ChildDevHost;
  let history: ProbeHistory;
  let restore: () => void;
  let recorded: HealthReport;

  const settings = (): Record<string, string | undefined> => ({
    AZURE_WEBPUBSUB_ENDPOINT: webPubSub.endpoint,
    PROBE_HISTORY_CONTAINER: historyContainer,
    IDENTITY_PROBE_IDENTITIES: localUnprivilegedIdentity.clientId,
  });

  beforeAll(async () => {
    [identity, azurite] = await Promise.all([startTestIdentityEndpoint(), startTestAzurite(), ensureBuilt()]);
    webPubSub = await startTestWebPubSubEmulator(identity);
    // The first process: the app, whose timer records what it sees.
    host = await startChildDevHost({ appRoot: projectRoot, env: realAppEnvironment(identity, azurite.blobEndpoint, settings()) });
    const run = await call(`${host.url}/admin/functions/identityProbe`, {
      method: "POST",
      headers: { "x-functions-key": testFunctionKey, "content-type": "application/json" },
      body: JSON.stringify({ input: "" }),
    });
    expect(run.status).toBe(202);
    restore = useIdentityEnvironment(identity, "AppService");
    history = createProbeHistory({ endpoint: azurite.blobEndpoint, historyContainer }, new ManagedIdentityCredential());
    const deadline = Date.now() + 30_000;
    for (;;) {
      const entries = await history.list({ limit: 1 });
      if (entries[0]) {
        recorded = entries[0].report as HealthReport;
        break;
      }
      if (Date.now() > deadline) throw new Error("the timer recorded no run");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 120_000);

  afterAll(async () => {
    restore?.();
    await host?.stop();
    await webPubSub?.close();
    await azurite?.close();
    await identity?.close();
  });

  const probe = async (): Promise<HealthReport> => {
    const run = await runCli(["probe", "--json"], {
      env: cliEnvironment({
        ...identity.environment("AppService"),
        AZURE_POD_IDENTITY_AUTHORITY_HOST: undefined,
        AZURE_STORAGE_BLOB_ENDPOINT: azurite.blobEndpoint,
        ...settings(),
      }),
    });
    return JSON.parse(run.stdout) as HealthReport;
  };
  const refusal = (report: HealthReport) => report.checks["webpubsub:access"]?.find((entry) => entry.identity === "user-assigned-2");

  it("records the refusal the app saw: likely still propagating, in its first minutes", () => {
    expect(recorded.checks["webpubsub:access"]?.find((entry) => entry.identity === "user-assigned-2")).toMatchObject({
      status: "warn",
      errorCategory: "forbidden",
    });
  });

  it("reads a refusal seen for 2 h in the history as fail, in a process started a moment ago, and says since when", async () => {
    // The same run, as the timer would have recorded it every 5 minutes for the last two hours.
    const now = Date.now();
    const since = new Date(now - 2 * 3600_000);
    for (let at = since.getTime(); at < now - 60_000; at += 5 * 60_000) {
      await history.record({ ...recorded, time: new Date(at).toISOString() }, `earlier-${at}`, { at: new Date(at) });
    }
    const entry = refusal(await probe());
    expect(entry).toMatchObject({ status: "fail", errorCategory: "forbidden" });
    expect(entry?.note).toContain(`forbidden since ${since.toISOString()}`);
    expect(entry?.note).toContain("(2 h)");
    expect(entry?.note).toContain("longer than a role assignment takes to apply");
  });

  it("starts the count again once a run saw the check pass", async () => {
    const passed: HealthReport = {
      ...recorded,
      time: new Date(Date.now() - 30_000).toISOString(),
      checks: {
        ...recorded.checks,
        "webpubsub:access": (recorded.checks["webpubsub:access"] ?? []).map((entry) => ({
          ...entry,
          status: "pass",
          errorCategory: undefined,
        })),
      },
    };
    await history.record(passed, "passed-since", { at: new Date(passed.time) });
    const entry = refusal(await probe());
    expect(entry).toMatchObject({ status: "warn", errorCategory: "forbidden" });
    expect(entry?.note).toContain("likely a role assignment still propagating");
  });
});
