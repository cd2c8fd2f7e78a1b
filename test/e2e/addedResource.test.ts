// Adding a resource is one definition and one line in the list (src/resources/README.md). This test adds a
// resource the app does not have — a "ledger" with its own audience, role, settings and access check
// (test/fixtures/ledgerResource.ts) — to the app's list, bundles the app as the build does, and finds the
// new resource in the report, in the CLI's table and on the dashboard, with no other change to the app.
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { localSystemIdentity, localUnprivilegedIdentity } from "../../local/identity/localIdentities.js";
import { bundleFunctionsApp } from "../../scripts/appBundle.mjs";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { browserSuiteRequirements, launchTestBrowser, type TestBrowser } from "../fixtures/browser.js";
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
import { ledgerAudience } from "../fixtures/ledgerResource.js";
import { startLedgerServer, type LedgerServer } from "../fixtures/ledgerServer.js";
import { issueTestCertificate, startTestAzurite, startTestIdentityEndpoint, type TestAzurite } from "../fixtures/localServices.js";

const requirements = browserSuiteRequirements("browser suite");

describe.skipIf(Boolean(requirements.missing))("a resource added to the list", () => {
  // Inside the project, so that the bundle finds @azure/functions in the project's node_modules.
  const appRoot = join(projectRoot, ".local", "test-apps", `added-resource-${process.pid}`);
  let identityEndpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let ledgerServer: LedgerServer;
  let host: ChildDevHost;
  let report: HealthReport;

  beforeAll(async () => {
    await mkdir(appRoot, { recursive: true });
    await Promise.all([
      bundleFunctionsApp({ entry: join(projectRoot, "test/fixtures/addedResourceApp/index.ts"), outdir: appRoot }),
      cp(join(projectRoot, "host.json"), join(appRoot, "host.json")),
      writeFile(join(appRoot, "package.json"), JSON.stringify({ type: "module", main: "index.cjs" })),
      ensureBuilt(),
    ]);
    [identityEndpoint, azurite] = await Promise.all([startTestIdentityEndpoint(), startTestAzurite()]);
    const certificate = await issueTestCertificate("ledger");
    ledgerServer = await startLedgerServer({
      ...certificate,
      jwksUrl: identityEndpoint.jwksUrl,
      issuer: identityEndpoint.issuer,
      readers: [localSystemIdentity.objectId],
    });
    host = await startChildDevHost({
      appRoot,
      env: realAppEnvironment(identityEndpoint, azurite.blobEndpoint, {
        IDENTITY_PROBE_TEST_LEDGER_ENDPOINT: ledgerServer.endpoint,
        IDENTITY_PROBE_IDENTITIES: localUnprivilegedIdentity.clientId,
      }),
    });
    const details = await call(`${host.url}/api/health/identity/details`, { headers: { "x-functions-key": testFunctionKey } });
    report = details.json<HealthReport>();
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
    await ledgerServer?.close();
    await azurite?.close();
    await identityEndpoint?.close();
    await rm(appRoot, { recursive: true, force: true });
  });

  it("is in the report: its token audience, and its access check with its own role in the remediation", () => {
    const tokens = report.checks["ledger:token"] ?? [];
    expect(tokens.map((entry) => [entry.identity, entry.componentId, entry.status])).toEqual([
      ["system", ledgerAudience, "pass"],
      ["user-assigned-2", ledgerAudience, "pass"],
    ]);
    const access = report.checks["ledger:access"] ?? [];
    expect(access.find((entry) => entry.identity === "system")).toMatchObject({
      status: "pass",
      componentId: `${ledgerServer.endpoint}/entries`,
    });
    const refused = access.find((entry) => entry.identity === "user-assigned-2");
    expect(refused).toMatchObject({ errorCategory: "forbidden", output: "403" });
    expect(refused?.remediation).toContain("'Ledger Entry Reader'");
    expect(refused?.remediation).toContain(localUnprivilegedIdentity.objectId);
    expect(refused?.remediation).toContain("IDENTITY_PROBE_TEST_LEDGER_ID");
    // Its checks sit with the resources', in the list's order, before the identity endpoint.
    const keys = Object.keys(report.checks);
    expect(keys.indexOf("ledger:access")).toBeGreaterThan(keys.indexOf("arm:access"));
    expect(keys.indexOf("ledger:access")).toBeLessThan(keys.indexOf("identity:endpoint"));
  });

  it("is in the CLI's table, with its fix", async () => {
    const run = await runCli(["check", "--url", `${host.url}/api/health/identity/details`, "--key", testFunctionKey], {
      env: cliEnvironment(identityEndpoint.environment("AppService")),
    });
    expect(run.stdout).toMatch(/ledger:access\s+system\s+pass/);
    expect(run.stdout).toMatch(/ledger:access\s+user-assigned-2\s+(fail|warn)\s+\d+ ms\s+forbidden/);
    expect(run.stdout).toMatch(/fix: .*Assign 'Ledger Entry Reader'/);
  });

  it("is on the dashboard, under its display name", async () => {
    let browser: TestBrowser | undefined;
    try {
      browser = await launchTestBrowser(join(process.env.IDENTITY_PROBE_TEST_CA_DIR ?? "", "ca.pem"));
      const page = await browser.browser.newPage();
      await page.goto(`${host.url}/api/dashboard?code=${testFunctionKey}`, { timeout: 30_000 });
      await page.waitForSelector('[data-check="ledger:access"][data-identity="system"][data-status="pass"]', { timeout: 20_000 });
      const row = page.locator("tr", { has: page.locator('[data-check="ledger:access"][data-identity="system"]') });
      expect(await row.locator("th").textContent()).toContain("Ledger");
      expect(await row.locator("th").textContent()).toContain(ledgerAudience);
      await page.waitForSelector('.problem[data-check="ledger:access"][data-identity="user-assigned-2"]', { timeout: 20_000 });
    } finally {
      await browser?.close();
    }
  });
});
