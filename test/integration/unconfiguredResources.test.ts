// The app with no resource configured and a malformed setting: it starts, says what is wrong, and
// answers 503 (not 500) from the functions that need the missing resources; bad input is still 400.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobList } from "../../src/functions/blobList.js";
import { healthIdentity } from "../../src/functions/healthIdentity.js";
import { healthIdentityDetails } from "../../src/functions/healthIdentityDetails.js";
import { pubsubMessages } from "../../src/functions/pubsubMessages.js";
import { pubsubNegotiate } from "../../src/functions/pubsubNegotiate.js";
import { quantumJob } from "../../src/functions/quantumJob.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { configureApp, invokeHttp } from "../fixtures/appUnderTest.js";
import { startTestIdentityEndpoint } from "../fixtures/localServices.js";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";

describe("an app whose resources are unset or malformed", () => {
  let endpoint: IdentityEndpoint;
  beforeAll(async () => {
    endpoint = await startTestIdentityEndpoint();
    delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    configureApp({
      ...endpoint.environment("AppService"),
      AZURE_WEBPUBSUB_ENDPOINT: "http://not-https.example",
      IDENTITY_PROBE_TIMEOUT_MS: "soon",
    });
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  it("reports unset resources as skipped and malformed settings as misconfigured, naming them", async () => {
    const response = await invokeHttp(healthIdentityDetails);
    const report = response.json<HealthReport>();
    expect(report.checks["storage:access"]?.[0]).toMatchObject({ status: "skipped", output: "AZURE_STORAGE_BLOB_ENDPOINT is not set" });
    expect(report.checks["quantum:access"]?.[0]).toMatchObject({ status: "skipped" });
    expect(report.checks["webpubsub:access"]?.[0]).toMatchObject({ status: "fail", errorCategory: "misconfigured" });
    expect(report.checks["webpubsub:access"]?.[0]?.output).toContain("AZURE_WEBPUBSUB_ENDPOINT");
    expect(report.checks["config:settings"]?.[0]).toMatchObject({
      componentId: "IDENTITY_PROBE_TIMEOUT_MS",
      status: "fail",
      errorCategory: "misconfigured",
    });
    expect(report.checks["arm:token"]?.[0]).toMatchObject({ status: "pass" });
    expect(response.status).toBe(503);
  });

  it("keeps the setting names out of the anonymous summary but still fails it", async () => {
    const response = await invokeHttp(healthIdentity);
    expect(response.status).toBe(503);
    expect(response.text).not.toContain("IDENTITY_PROBE_TIMEOUT_MS");
    expect(response.json<HealthReport>().checks["config:settings"]?.[0]).toMatchObject({ errorCategory: "misconfigured" });
  });

  it.each([
    ["blob list", () => invokeHttp(blobList), "AZURE_STORAGE_BLOB_ENDPOINT"],
    ["negotiate", () => invokeHttp(pubsubNegotiate), "AZURE_WEBPUBSUB_ENDPOINT"],
    ["messages", () => invokeHttp(pubsubMessages, { method: "POST", body: JSON.stringify({ message: "hi" }) }), "AZURE_WEBPUBSUB_ENDPOINT"],
    ["quantum job", () => invokeHttp(quantumJob, { params: { id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301" } }), "AZURE_QUANTUM_ENDPOINT"],
  ])("answers %s with 503 naming the setting", async (_name, call, setting) => {
    const response = await call();
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.text).toContain(setting);
  });

  it.each([
    ["no body", undefined, /empty/],
    ["not JSON", "{", /not valid JSON/],
    ["no message", JSON.stringify({ group: "g" }), /message/],
    ["unknown field", JSON.stringify({ message: "x", extra: 1 }), /unknown field/],
    ["group and user", JSON.stringify({ message: "x", group: "g", userId: "u" }), /not both/],
    ["empty group", JSON.stringify({ message: "x", group: "" }), /group/],
    ["control characters in group", JSON.stringify({ message: "x", group: "a\u0007b" }), /control/],
    ["oversized group", JSON.stringify({ message: "x", group: "g".repeat(1025) }), /1024/],
    ["numeric userId", JSON.stringify({ message: "x", userId: 42 }), /userId/],
    ["an array body", JSON.stringify([1, 2]), /object|expected/i],
  ])("rejects a message with %s as 400", async (_name, body, detail) => {
    const response = await invokeHttp(pubsubMessages, { method: "POST", ...(body !== undefined ? { body } : {}) });
    expect(response.status).toBe(400);
    expect(response.json<{ detail: string }>().detail).toMatch(detail);
  });

  it("rejects a message body over 1 MiB with 413", async () => {
    const response = await invokeHttp(pubsubMessages, { method: "POST", body: JSON.stringify({ message: "x".repeat(1024 * 1024) }) });
    expect(response.status).toBe(413);
  });

  it.each([[{ userId: "" }], [{ userId: "u".repeat(1025) }], [{ userId: "bad\nuser" }]])(
    "rejects negotiate with %j as 400",
    async (query) => {
      const response = await invokeHttp(pubsubNegotiate, { query });
      expect(response.status).toBe(400);
    },
  );

  it.each(["not-a-uuid", "../../x", ""])("rejects the job ID %j with 400", async (id) => {
    expect((await invokeHttp(quantumJob, { params: { id } })).status).toBe(400);
  });
});
