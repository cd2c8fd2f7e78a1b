// The dashboard in headless Chromium against the real app in the dev host, the local identity endpoint,
// Azurite and the Web PubSub emulator: live status, a cell that turns red after a timer run that follows
// an injected identity-endpoint fault and green after recovery, no request off loopback, and a screenshot.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import type { WebPubSubEmulator } from "../../local/webpubsub/webPubSubEmulator.js";
import { browserSuiteRequirements, launchTestBrowser, type TestBrowser } from "../fixtures/browser.js";
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
  startTestArmEmulator,
  startTestAzurite,
  startTestIdentityEndpoint,
  startTestWebPubSubEmulator,
  type TestArmEmulator,
  type TestAzurite,
} from "../fixtures/localServices.js";
import { localWebPubSubId } from "../fixtures/spineApp.js";

const requirements = browserSuiteRequirements("dashboard browser suite");

const artifacts = join(projectRoot, "test-results");
const systemEndpointCell = '[data-check="identity:endpoint"][data-identity="system"]';

describe.skipIf(Boolean(requirements.missing))("the dashboard in a real browser", () => {
  let identityEndpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let webPubSub: WebPubSubEmulator;
  let arm: TestArmEmulator;
  let host: ChildDevHost;
  let browser: TestBrowser;
  let page: Page;
  const requestedUrls: string[] = [];

  const runTimer = async (): Promise<void> => {
    const response = await call(`${host.url}/admin/functions/identityProbe`, {
      method: "POST",
      headers: { "x-functions-key": testFunctionKey, "content-type": "application/json" },
      body: JSON.stringify({ input: "" }),
    });
    expect(response.status).toBe(202);
  };

  beforeAll(async () => {
    [identityEndpoint, azurite] = await Promise.all([startTestIdentityEndpoint(), startTestAzurite(), ensureBuilt()]);
    webPubSub = await startTestWebPubSubEmulator(identityEndpoint);
    arm = await startTestArmEmulator(identityEndpoint);
    const env = realAppEnvironment(identityEndpoint, azurite.blobEndpoint, {
      AZURE_WEBPUBSUB_ENDPOINT: webPubSub.endpoint,
      AZURE_WEBPUBSUB_ID: localWebPubSubId,
      AZURE_RESOURCE_MANAGER_ENDPOINT: arm.endpoint,
      // Timer runs follow each other within seconds here, not five minutes apart: the raw identity-endpoint
      // check is asked afresh in every run, so the fault injected between runs shows in the next one.
      IDENTITY_PROBE_ENDPOINT_CHECK_INTERVAL_SECONDS: "0",
    });
    host = await startChildDevHost({ appRoot: projectRoot, env });
    await runTimer();
    browser = await launchTestBrowser(join(process.env.IDENTITY_PROBE_TEST_CA_DIR ?? "", "ca.pem"));
    page = await browser.browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("request", (request) => requestedUrls.push(request.url()));
    page.on("websocket", (socket) => requestedUrls.push(socket.url()));
    await page.goto(`${host.url}/api/dashboard?code=${testFunctionKey}`, { timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await webPubSub?.close();
    await arm?.close();
    await azurite?.close();
    await identityEndpoint?.close();
  });

  it("shows the current status of every check, live over Web PubSub", async () => {
    await page.waitForSelector('[data-mode="live"]', { timeout: 20_000 });
    await page.waitForSelector(`${systemEndpointCell}[data-status="pass"]`, { timeout: 20_000 });
    for (const check of [
      "storage:token",
      "storage:access",
      "webpubsub:token",
      "webpubsub:access",
      "quantum:token",
      "arm:token",
      "identity:endpoint",
    ]) {
      const status = await page.getAttribute(`[data-check="${check}"][data-identity="system"]`, "data-status");
      expect(["pass", "skipped"], `${check} is ${status}`).toContain(status);
    }
    expect(await page.textContent('[data-check="quantum:access"][data-identity="system"]')).toContain("SKIPPED");
    expect(await page.getAttribute("[data-overall]", "data-overall")).toBe("pass");
    // The timeline has the timer run recorded in beforeAll.
    await page.waitForSelector(".timeline .run", { timeout: 20_000 });
  });

  it("turns the identity endpoint cell red within 2 s of a timer run that follows an injected fault, and green after recovery", async () => {
    identityEndpoint.setFault({ mode: "status", status: 500 });
    let started = performance.now();
    await runTimer();
    await page.waitForSelector(`${systemEndpointCell}[data-status="fail"]`, { timeout: 2_000 });
    const redAfterMs = performance.now() - started;
    expect(await page.textContent(systemEndpointCell)).toContain("endpoint-error");
    expect(await page.getAttribute("[data-overall]", "data-overall")).toBe("fail");
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "dashboard-failing.png"), fullPage: true });

    identityEndpoint.setFault(undefined);
    started = performance.now();
    await runTimer();
    await page.waitForSelector(`${systemEndpointCell}[data-status="pass"]`, { timeout: 2_000 });
    const greenAfterMs = performance.now() - started;
    await page.waitForSelector(".failure-span", { timeout: 5_000 });
    await page.screenshot({ path: join(artifacts, "dashboard.png"), fullPage: true });
    console.log(`dashboard: red ${redAfterMs.toFixed(0)} ms and green ${greenAfterMs.toFixed(0)} ms after the timer run was requested`);
  });

  it("offers the failing check's category and remediation to copy", async () => {
    identityEndpoint.setFault({ mode: "status", status: 500 });
    await runTimer();
    await page.waitForSelector(`${systemEndpointCell}[data-status="fail"]`, { timeout: 5_000 });
    // The live summary carries no remediation: the page takes it from the same run's recorded report.
    await page.waitForSelector('.problem[data-check="identity:endpoint"] .remediation', { timeout: 20_000 });
    expect(await page.textContent('.problem[data-check="identity:endpoint"]')).toContain("endpoint-error");
    expect(await page.isVisible('.problem[data-check="identity:endpoint"] button.copy')).toBe(true);
    identityEndpoint.setFault(undefined);
  });

  it("makes no request outside loopback", () => {
    expect(requestedUrls.length).toBeGreaterThan(2);
    for (const url of requestedUrls) expect(new URL(url).hostname, url).toMatch(/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/);
  });

  it("keeps the function key out of the page it serves", async () => {
    const html = await call(`${host.url}/api/dashboard`, { headers: { "x-functions-key": testFunctionKey } });
    expect(html.status).toBe(200);
    expect(html.text).not.toContain(testFunctionKey);
    expect(html.headers.get("content-security-policy")).toMatch(/script-src 'nonce-/);
  });
});
