// The dashboard without Web PubSub configured: it says so and keeps itself current by polling details.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { browserSuiteRequirements, launchTestBrowser, type TestBrowser } from "../fixtures/browser.js";
import {
  ensureBuilt,
  projectRoot,
  realAppEnvironment,
  startChildDevHost,
  testFunctionKey,
  type ChildDevHost,
} from "../fixtures/devHost.js";
import { startTestAzurite, startTestIdentityEndpoint, type TestAzurite } from "../fixtures/localServices.js";

const requirements = browserSuiteRequirements("dashboard browser suite");

describe.skipIf(Boolean(requirements.missing))("the dashboard without Web PubSub", () => {
  let identityEndpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let host: ChildDevHost;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [identityEndpoint, azurite] = await Promise.all([startTestIdentityEndpoint(), startTestAzurite(), ensureBuilt()]);
    const env = realAppEnvironment(identityEndpoint, azurite.blobEndpoint, { AZURE_WEBPUBSUB_ENDPOINT: undefined });
    host = await startChildDevHost({ appRoot: projectRoot, env });
    browser = await launchTestBrowser(join(process.env.IDENTITY_PROBE_TEST_CA_DIR ?? "", "ca.pem"));
    page = await browser.browser.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await azurite?.close();
    await identityEndpoint?.close();
  });

  it("says live updates are unavailable and shows the report it polls", async () => {
    await page.goto(`${host.url}/api/dashboard?code=${testFunctionKey}`, { timeout: 30_000 });
    await page.waitForSelector('[data-mode="polling"]', { timeout: 20_000 });
    expect(await page.textContent('[data-mode="polling"]')).toMatch(/Web PubSub is not configured.*[Pp]olling every 10 s/);
    await page.waitForSelector('[data-check="storage:access"][data-identity="system"][data-status="pass"]', { timeout: 20_000 });
    expect(await page.getAttribute('[data-check="webpubsub:access"][data-identity="system"]', "data-status")).toBe("skipped");
  });

  it("is refused without the function key", async () => {
    const response = await page.goto(`${host.url}/api/dashboard`, { timeout: 30_000 });
    expect(response?.status()).toBe(401);
  });
});
