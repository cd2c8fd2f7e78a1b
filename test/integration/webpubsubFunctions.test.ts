// The app's Web PubSub functions over the wire: @azure/identity → local identity endpoint → token →
// Web PubSub emulator (JWKS-verified, role-checked) → the real @azure/web-pubsub-client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Timer } from "@azure/functions";
import { WebPubSubClient, type OnGroupDataMessageArgs } from "@azure/web-pubsub-client";
import { localUnprivilegedIdentity } from "../../local/identity/localIdentities.js";
import { healthIdentityDetails } from "../../src/functions/healthIdentityDetails.js";
import { identityProbeTimer } from "../../src/functions/identityProbeTimer.js";
import { pubsubMessages } from "../../src/functions/pubsubMessages.js";
import { pubsubNegotiate } from "../../src/functions/pubsubNegotiate.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { invokeHttp, testContext } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: "", next: "", lastUpdated: "" } };

function nextGroupMessage(client: WebPubSubClient, timeoutMs = 10_000): Promise<OnGroupDataMessageArgs> {
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      client.off("group-message", listener);
      reject(new Error("no group message within the deadline"));
    }, timeoutMs);
    const listener = (event: OnGroupDataMessageArgs): void => {
      clearTimeout(timeout);
      client.off("group-message", listener);
      resolve(event);
    };
    client.on("group-message", listener);
  });
}

describe("Web PubSub through the app's managed identity", () => {
  let spine: SpineApp;
  let client: WebPubSubClient;

  beforeAll(async () => {
    spine = await startSpineApp({ IDENTITY_PROBE_IDENTITIES: localUnprivilegedIdentity.clientId }, { webPubSub: true });
    const negotiated = await invokeHttp(pubsubNegotiate, { query: { userId: "dashboard-test" } });
    expect(negotiated.status).toBe(200);
    client = new WebPubSubClient(negotiated.json<{ url: string }>().url);
    await client.start();
  });
  afterAll(async () => {
    client?.stop();
    await spine?.close();
  });

  it("mints a client URL through :generateToken, with no access key in it", async () => {
    const response = await invokeHttp(pubsubNegotiate);
    const { url } = response.json<{ url: string }>();
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/client\/hubs\/identityprobe\?access_token=/);
    expect(url).not.toMatch(/AccessKey|Endpoint=/i);
  });

  it("delivers a posted JSON message to a client in the group", async () => {
    const received = nextGroupMessage(client);
    const response = await invokeHttp(pubsubMessages, {
      method: "POST",
      body: JSON.stringify({ message: { hello: "world" }, group: "identity-probe" }),
    });
    expect(response.status).toBe(202);
    const event = await received;
    expect(event.message.group).toBe("identity-probe");
    expect(event.message.dataType).toBe("json");
    expect(event.message.data).toEqual({ hello: "world" });
  });

  it("delivers a text message to a user", async () => {
    const received = new Promise<unknown>((resolve) => client.on("server-message", (event) => resolve(event.message.data)));
    const response = await invokeHttp(pubsubMessages, {
      method: "POST",
      body: JSON.stringify({ message: "just text", userId: "dashboard-test" }),
    });
    expect(response.status).toBe(202);
    expect(await received).toBe("just text");
  });

  it("publishes each timer run's summary to the live group", async () => {
    const received = nextGroupMessage(client);
    await identityProbeTimer(timer, testContext("identityProbe"));
    const event = await received;
    const summary = event.message.data as HealthReport;
    expect(summary.version).toBe("1");
    expect(summary.identity).toBeUndefined();
    expect(summary.checks["webpubsub:access"]?.[0]).toMatchObject({ status: "pass" });
    expect(summary.checks["identity:endpoint"]?.[0]).toMatchObject({ componentId: "identity-endpoint", status: "pass" });
    expect(JSON.stringify(summary)).not.toContain(localUnprivilegedIdentity.objectId);
  });

  it("reports an identity without a Web PubSub role as forbidden, naming the role, principal and scope", async () => {
    const report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
    const entry = report.checks["webpubsub:access"]?.find((candidate) => candidate.identity === "user-assigned-2");
    expect(entry).toMatchObject({ errorCategory: "forbidden", output: expect.stringContaining("403") });
    // Resource Manager says no role applies (the identity may not even list its permissions): not propagation.
    expect(entry?.status).toBe("fail");
    expect(entry?.rbac).toMatchObject({ verdict: "no-role" });
    expect(entry?.remediation).toContain("Web PubSub Service Owner");
    expect(entry?.remediation).toContain(localUnprivilegedIdentity.objectId);
    expect(entry?.remediation).toContain("/providers/Microsoft.SignalRService/WebPubSub/identity-probe-local");
    expect(report.checks["webpubsub:access"]?.[0]).toMatchObject({ identity: "system", status: "pass" });
  });
});
