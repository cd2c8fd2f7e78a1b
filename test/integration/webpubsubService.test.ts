// The app's Web PubSub service module (src/services/webpubsub) against the emulator with real managed
// identity tokens: what it mints, how it proves access, and what it refuses before sending anything.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { RestError } from "@azure/core-rest-pipeline";
import { decodeJwt } from "jose";
import { localSystemIdentity, localUnprivilegedIdentity } from "../../local/identity/localIdentities.js";
import { createWebPubSubService, type WebPubSubService } from "../../src/services/webpubsub/webPubSubService.js";
import { openTestSocket, startWebPubSubFixture, type WebPubSubFixture } from "../fixtures/webPubSubFixture.js";

const hub = "identityprobe";

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("the app's Web PubSub service", () => {
  let fixture: WebPubSubFixture;
  let service: WebPubSubService;

  beforeAll(async () => {
    fixture = await startWebPubSubFixture({ protocol: "AppService" });
    service = createWebPubSubService({ endpoint: fixture.emulator.endpoint, hub, credential: new ManagedIdentityCredential() });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it("mints a client URL through :generateToken with the user, groups, roles and lifetime asked for", async () => {
    const url = await service.mintClientUrl({
      userId: "dashboard-user",
      groups: ["identity-probe"],
      roles: ["webpubsub.joinLeaveGroup.identity-probe"],
      minutesToExpire: 30,
      abortSignal: AbortSignal.timeout(10_000),
    });
    const parsed = new URL(url);
    expect(`${parsed.protocol}//${parsed.host}${parsed.pathname}`).toBe(
      `${fixture.emulator.endpoint.replace("https:", "wss:")}/client/hubs/${hub}`,
    );
    const claims = decodeJwt(parsed.searchParams.get("access_token") ?? "");
    expect(claims).toMatchObject({
      sub: "dashboard-user",
      "webpubsub.group": ["identity-probe"],
      role: ["webpubsub.joinLeaveGroup.identity-probe"],
    });
    expect((claims.exp ?? 0) - Math.floor(Date.now() / 1000)).toBeGreaterThan(29 * 60);
    // The URL works: the client lands in the group from the token.
    const socket = await openTestSocket(url, "json.webpubsub.azure.v1");
    try {
      await socket.next((frame) => (frame as { event?: string }).event === "connected", "connected");
      await service.publishToGroup("identity-probe", { status: "pass" }, { abortSignal: AbortSignal.timeout(10_000) });
      expect(await socket.next((frame) => (frame as { type?: string }).type === "message", "the summary")).toEqual({
        type: "message",
        from: "group",
        group: "identity-probe",
        dataType: "json",
        data: { status: "pass" },
      });
      await service.sendMessage({ message: "to everyone", contentType: "text/plain" });
      await service.sendMessage({ message: ["to", "the", "user"], contentType: "application/json", userId: "dashboard-user" });
      await socket.next((frame) => Array.isArray((frame as { data?: unknown }).data), "the user message");
      expect(socket.frames.slice(2)).toEqual([
        { type: "message", from: "server", dataType: "text", data: "to everyone" },
        { type: "message", from: "server", dataType: "json", data: ["to", "the", "user"] },
      ]);
    } finally {
      socket.close();
    }
  });

  it("proves access with :generateToken for an identity that holds the role", async () => {
    await expect(service.checkAccess({ abortSignal: AbortSignal.timeout(10_000) })).resolves.toBeUndefined();
  });

  it("throws the SDK's RestError 403 Error.Forbidden for an identity without the role", async () => {
    const unprivileged = createWebPubSubService({
      endpoint: fixture.emulator.endpoint,
      hub,
      credential: new ManagedIdentityCredential({ clientId: localUnprivilegedIdentity.clientId }),
    });
    const error = await failureOf(unprivileged.checkAccess({ abortSignal: AbortSignal.timeout(10_000) }));
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 403, code: "Error.Forbidden" });
    expect(await failureOf(unprivileged.mintClientUrl({}))).toMatchObject({ statusCode: 403 });
    expect(await failureOf(unprivileged.publishToGroup("g", {}))).toMatchObject({ statusCode: 403 });
  });

  it("throws the SDK's RestError 401 for a token of the wrong audience", async () => {
    const storageToken = await fixture.identity.mintToken({ resource: "https://storage.azure.com", identity: localSystemIdentity });
    const credential: TokenCredential = {
      getToken: async (): Promise<AccessToken> => ({ token: storageToken, expiresOnTimestamp: Date.now() + 3600_000 }),
    };
    const wrongAudience = createWebPubSubService({ endpoint: fixture.emulator.endpoint, hub, credential });
    const error = await failureOf(wrongAudience.checkAccess({ abortSignal: AbortSignal.timeout(10_000) }));
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 401 });
  });

  it("honours an aborted signal", async () => {
    const error = await failureOf(service.checkAccess({ abortSignal: AbortSignal.abort() }));
    expect((error as Error).name).toBe("AbortError");
  });

  it.each([
    [
      "group and userId together",
      () => service.sendMessage({ message: {}, contentType: "application/json", group: "g", userId: "u" }),
      "not both",
    ],
    ["text that is not a string", () => service.sendMessage({ message: { a: 1 }, contentType: "text/plain" }), "must be a string"],
    ["an undefined JSON message", () => service.sendMessage({ message: undefined, contentType: "application/json" }), "JSON value"],
    ["a whitespace-only group", () => service.publishToGroup("   ", {}), "whitespace"],
    [
      "a group of 1025 characters",
      () => service.sendMessage({ message: 1, contentType: "application/json", group: "g".repeat(1025) }),
      "1024",
    ],
    ["an empty userId", () => service.mintClientUrl({ userId: "" }), "empty"],
    ["a fractional lifetime", () => service.mintClientUrl({ minutesToExpire: 1.5 }), "minutesToExpire"],
  ])("refuses %s before sending anything", async (_name, act, message) => {
    const error = await failureOf(act());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(message);
  });

  it("refuses a hub name the service would reject", () => {
    expect(() =>
      createWebPubSubService({ endpoint: fixture.emulator.endpoint, hub: "identity-probe", credential: new ManagedIdentityCredential() }),
    ).toThrow(TypeError);
  });
});
