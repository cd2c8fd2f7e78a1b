// The real @azure/web-pubsub-client against the emulator's client endpoint, with URLs minted by the app's
// Web PubSub service (managed identity over the IMDS protocol), on both JSON subprotocols; and plain `ws`
// sockets for what the SDK never sends: bad tokens, malformed frames, oversized frames, raw recovery.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import {
  SendMessageError,
  WebPubSubClient,
  WebPubSubJsonProtocol,
  WebPubSubJsonReliableProtocol,
  type OnConnectedArgs,
  type OnGroupDataMessageArgs,
  type OnServerDataMessageArgs,
  type WebPubSubClientOptions,
} from "@azure/web-pubsub-client";
import { createWebPubSubService, type WebPubSubService } from "../../src/services/webpubsub/webPubSubService.js";
import {
  openTestSocket,
  startWebPubSubFixture,
  upgradeStatus,
  type TestSocket,
  type WebPubSubFixture,
} from "../fixtures/webPubSubFixture.js";

const hub = "clientHub";

/** Polls `check` until it returns a value, within a deadline (generous: a loaded 2-core machine). */
async function eventually<T>(check: () => T | undefined, description: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface StartedClient {
  readonly client: WebPubSubClient;
  readonly connected: OnConnectedArgs[];
  readonly disconnects: unknown[];
  readonly groupMessages: OnGroupDataMessageArgs["message"][];
  readonly serverMessages: OnServerDataMessageArgs["message"][];
}

describe("Web PubSub client endpoint with @azure/web-pubsub-client", () => {
  let fixture: WebPubSubFixture;
  let app: WebPubSubService;
  let server: WebPubSubServiceClient;
  const started: WebPubSubClient[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    fixture = await startWebPubSubFixture({ protocol: "IMDS" });
    const credential = new ManagedIdentityCredential();
    app = createWebPubSubService({ endpoint: fixture.emulator.endpoint, hub, credential });
    server = new WebPubSubServiceClient(fixture.emulator.endpoint, credential, hub);
  });
  afterEach(() => {
    for (const client of started.splice(0)) client.stop();
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  async function startClient(
    protocol: WebPubSubClientOptions["protocol"],
    token: { userId?: string; roles?: string[]; groups?: string[] } = {},
    options: WebPubSubClientOptions = {},
  ): Promise<StartedClient> {
    const url = await app.mintClientUrl({ ...token, minutesToExpire: 10, abortSignal: AbortSignal.timeout(10_000) });
    // No message retries: a refused operation fails at once instead of after three one-second retries.
    const client = new WebPubSubClient(url, { protocol, messageRetryOptions: { maxRetries: 0 }, ...options });
    const state: StartedClient = { client, connected: [], disconnects: [], groupMessages: [], serverMessages: [] };
    client.on("connected", (event) => state.connected.push(event));
    client.on("disconnected", (event) => state.disconnects.push(event));
    client.on("group-message", (event) => state.groupMessages.push(event.message));
    client.on("server-message", (event) => state.serverMessages.push(event.message));
    started.push(client);
    await client.start({ abortSignal: AbortSignal.timeout(10_000) });
    await eventually(() => state.connected[0], "the connected event");
    return state;
  }

  describe.each([
    ["json.webpubsub.azure.v1", () => WebPubSubJsonProtocol()],
    ["json.reliable.webpubsub.azure.v1", () => WebPubSubJsonReliableProtocol()],
  ])("over %s", (name, protocol) => {
    const group = `room-${name.includes("reliable") ? "reliable" : "json"}`;

    it("connects with a URL minted through :generateToken and learns its connectionId and userId", async () => {
      const { connected } = await startClient(protocol(), { userId: "connect-user" });
      expect(connected[0]).toMatchObject({ userId: "connect-user", connectionId: expect.any(String) });
      expect(await server.connectionExists(connected[0]?.connectionId ?? "")).toBe(true);
    });

    it("joins a group and receives what the app sends to the group and the user as json, text and binary", async () => {
      const a = await startClient(protocol(), { userId: `${name}-receiver`, roles: [`webpubsub.joinLeaveGroup.${group}`] });
      await a.client.joinGroup(group);
      await app.publishToGroup(group, { kind: "json" });
      await app.sendMessage({ message: "plain", contentType: "text/plain", group });
      await server.group(group).sendToAll(new Uint8Array([7, 8, 9]).buffer);
      await app.sendMessage({ message: { to: "user" }, contentType: "application/json", userId: `${name}-receiver` });
      await eventually(
        () => (a.groupMessages.length >= 3 && a.serverMessages.length >= 1 ? true : undefined),
        "three group messages and one server message",
      );
      expect(a.groupMessages.map((message) => [message.group, message.dataType])).toEqual([
        [group, "json"],
        [group, "text"],
        [group, "binary"],
      ]);
      expect(a.groupMessages[0]?.data).toEqual({ kind: "json" });
      expect(a.groupMessages[1]?.data).toBe("plain");
      expect([...new Uint8Array(a.groupMessages[2]?.data as ArrayBuffer)]).toEqual([7, 8, 9]);
      expect(a.serverMessages[0]).toMatchObject({ dataType: "json", data: { to: "user" } });
      if (name.includes("reliable")) expect(a.groupMessages.map((message) => message.sequenceId)).toEqual([1, 2, 3]);
    });

    it("publishes to a group with acks, fromUserId and noEcho", async () => {
      const roles = [`webpubsub.joinLeaveGroup.${group}`, `webpubsub.sendToGroup.${group}`];
      const a = await startClient(protocol(), { userId: "publisher", roles });
      const b = await startClient(protocol(), { userId: "subscriber", roles: roles.slice(0, 1) });
      await a.client.joinGroup(group);
      await b.client.joinGroup(group);
      const result = await a.client.sendToGroup(group, { n: 1 }, "json");
      expect(result).toMatchObject({ ackId: expect.any(Number), isDuplicated: false });
      await a.client.sendToGroup(group, "quiet", "text", { noEcho: true });
      await eventually(() => (b.groupMessages.length >= 2 ? true : undefined), "both messages at the subscriber");
      expect(b.groupMessages.map((message) => [message.fromUserId, message.data])).toEqual([
        ["publisher", { n: 1 }],
        ["publisher", "quiet"],
      ]);
      await app.publishToGroup(group, { marker: true });
      await eventually(
        () => a.groupMessages.find((message) => (message.data as { marker?: boolean }).marker),
        "the marker at the publisher",
      );
      expect(a.groupMessages.map((message) => message.data)).toEqual([{ n: 1 }, { marker: true }]);
    });

    it("answers group operations the token does not allow with a Forbidden ack, until the server grants them", async () => {
      const a = await startClient(protocol(), { userId: "no-roles" });
      const join = await a.client.joinGroup(group).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(join).toBeInstanceOf(SendMessageError);
      expect((join as SendMessageError).errorDetail).toMatchObject({ name: "Forbidden", message: expect.stringContaining(group) });
      const send = await a.client.sendToGroup(group, "x", "text").then(
        () => undefined,
        (error: unknown) => error,
      );
      expect((send as SendMessageError).errorDetail?.name).toBe("Forbidden");
      await server.grantPermission(a.connected[0]?.connectionId ?? "", "joinLeaveGroup", { targetName: group });
      await expect(a.client.joinGroup(group)).resolves.toMatchObject({ isDuplicated: false });
    });

    it("answers a repeated ackId with Duplicate and publishes the message once", async () => {
      const roles = [`webpubsub.joinLeaveGroup`, `webpubsub.sendToGroup`];
      const a = await startClient(protocol(), { userId: "dup", roles });
      await a.client.joinGroup(`${group}-dup`);
      expect(await a.client.sendToGroup(`${group}-dup`, "once", "text", { ackId: 4242 })).toEqual({ ackId: 4242, isDuplicated: false });
      expect(await a.client.sendToGroup(`${group}-dup`, "once", "text", { ackId: 4242 })).toEqual({ ackId: 4242, isDuplicated: true });
      await app.publishToGroup(`${group}-dup`, "end");
      await eventually(() => a.groupMessages.find((message) => message.data === "end"), "the end marker");
      expect(a.groupMessages.filter((message) => message.data === "once")).toHaveLength(1);
    });

    it("acknowledges events although there is no upstream to receive them", async () => {
      const a = await startClient(protocol(), { userId: "eventer" });
      await expect(a.client.sendEvent("telemetry", { ok: true }, "json")).resolves.toMatchObject({ isDuplicated: false });
    });
  });

  it("recovers a reliable connection after the emulator drops its socket, keeping its groups and resending what was not acknowledged", async () => {
    const a = await startClient(WebPubSubJsonReliableProtocol(), { userId: "survivor", roles: ["webpubsub.joinLeaveGroup"] });
    const connectionId = a.connected[0]?.connectionId ?? "";
    await a.client.joinGroup("recovery");
    await app.publishToGroup("recovery", { n: 1 });
    await eventually(() => a.groupMessages[0], "the first message");
    expect(fixture.emulator.dropClientSocket(hub, connectionId)).toBe(true);
    // Sent while the socket is down: buffered for the connection and delivered on recovery.
    await app.publishToGroup("recovery", { n: 2 });
    await eventually(
      () => a.groupMessages.find((message) => (message.data as { n: number }).n === 2),
      "the message sent during the outage",
    );
    await app.publishToGroup("recovery", { n: 3 });
    await eventually(() => a.groupMessages.find((message) => (message.data as { n: number }).n === 3), "a message after recovery");
    expect(a.groupMessages.map((message) => message.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(a.disconnects).toEqual([]);
    expect(a.connected).toHaveLength(1);
    expect(await server.connectionExists(connectionId)).toBe(true);
    const members: string[] = [];
    for await (const member of await server.group("recovery").listConnections()) members.push(member.connectionId);
    expect(members).toEqual([connectionId]);
  });

  it("starts a new json connection after the socket drops and rejoins its groups", async () => {
    const a = await startClient(
      WebPubSubJsonProtocol(),
      { userId: "rejoiner", roles: ["webpubsub.joinLeaveGroup"] },
      { reconnectRetryOptions: { retryDelayInMs: 100 } },
    );
    const first = a.connected[0]?.connectionId ?? "";
    await a.client.joinGroup("rejoin");
    expect(fixture.emulator.dropClientSocket(hub, first)).toBe(true);
    const second = await eventually(() => a.connected[1], "a second connected event");
    expect(second.connectionId).not.toBe(first);
    expect(a.disconnects).toHaveLength(1);
    expect(await server.connectionExists(first)).toBe(false);
    // The SDK rejoins before it reports the new connection.
    expect(await server.groupExists("rejoin")).toBe(true);
    await app.publishToGroup("rejoin", "welcome back");
    await eventually(() => a.groupMessages.find((message) => message.data === "welcome back"), "the group message on the new connection");
  });

  describe("plain WebSocket clients and hostile input", () => {
    async function clientUrl(token: { userId?: string; roles?: string[]; groups?: string[] } = {}): Promise<string> {
      return app.mintClientUrl({ ...token, abortSignal: AbortSignal.timeout(10_000) });
    }
    async function open(url: string, subprotocol?: string): Promise<TestSocket> {
      const socket = await openTestSocket(url, subprotocol);
      sockets.push(socket);
      return socket;
    }
    const isConnected = (frame: unknown) => (frame as { event?: string }).event === "connected";

    it("refuses upgrades without a valid token for this hub with 401, and bad paths and subprotocols with 400/404", async () => {
      const base = `${fixture.emulator.endpoint.replace("https", "wss")}/client/hubs/${hub}`;
      expect(await upgradeStatus(base, "json.webpubsub.azure.v1")).toBe(401);
      expect(await upgradeStatus(`${base}?access_token=not.a.token`, "json.webpubsub.azure.v1")).toBe(401);
      const otherHub = await new WebPubSubServiceClient(
        fixture.emulator.endpoint,
        new ManagedIdentityCredential(),
        "otherHub",
      ).getClientAccessToken();
      expect(await upgradeStatus(`${base}?access_token=${otherHub.token}`, "json.webpubsub.azure.v1")).toBe(401);
      const good = await clientUrl();
      expect(await upgradeStatus(good, "mqtt")).toBe(400);
      expect(await upgradeStatus(good.replace(`/hubs/${hub}`, "/hubs/1-bad"), "json.webpubsub.azure.v1")).toBe(400);
      expect(await upgradeStatus(good.replace("/client/hubs/", "/nowhere/"), "json.webpubsub.azure.v1")).toBe(404);
      expect(await upgradeStatus(good, "json.webpubsub.azure.v1")).toBe(101);
    });

    it("answers ping with pong", async () => {
      const socket = await open(await clientUrl(), "json.webpubsub.azure.v1");
      await socket.next(isConnected, "connected");
      socket.socket.send(JSON.stringify({ type: "ping" }));
      await socket.next((frame) => (frame as { type?: string }).type === "pong", "pong");
    });

    it.each([
      ["text that is not JSON", "not json"],
      ["a JSON array", "[]"],
      ["joinGroup without a group", '{"type":"joinGroup","ackId":1}'],
      ["an unknown message type", '{"type":"teleport"}'],
      ["a whitespace-only group", '{"type":"joinGroup","group":"   ","ackId":1}'],
      ["binary data that is not base64", '{"type":"sendToGroup","group":"g","dataType":"binary","data":"***"}'],
      ["text data that is not a string", '{"type":"sendToGroup","group":"g","dataType":"text","data":5}'],
      ["a negative sequenceAck", '{"type":"sequenceAck","sequenceId":-1}'],
      ["an ackId that is not a number", '{"type":"joinGroup","group":"g","ackId":"x"}'],
    ])("declines %s with a disconnected message and close code 1008, and keeps serving", async (_name, frame) => {
      const socket = await open(await clientUrl(), "json.reliable.webpubsub.azure.v1");
      await socket.next(isConnected, "connected");
      socket.socket.send(frame);
      const disconnected = (await socket.next((message) => (message as { event?: string }).event === "disconnected", "disconnected")) as {
        message: string;
      };
      expect(disconnected.message).toMatch(/^Invalid message/);
      expect((await socket.closed).code).toBe(1008);
      const next = await open(await clientUrl({ roles: ["webpubsub.joinLeaveGroup"] }), "json.webpubsub.azure.v1");
      await next.next(isConnected, "connected");
      next.socket.send(JSON.stringify({ type: "joinGroup", group: "still-serving", ackId: 7 }));
      expect(await next.next((message) => (message as { type?: string }).type === "ack", "ack")).toEqual({
        type: "ack",
        ackId: 7,
        success: true,
      });
    });

    it("closes a socket that sends a frame over 1 MB with 1009 and removes the connection", async () => {
      const socket = await open(await clientUrl(), "json.reliable.webpubsub.azure.v1");
      const { connectionId } = (await socket.next(isConnected, "connected")) as { connectionId: string };
      socket.socket.send(JSON.stringify({ type: "event", event: "big", dataType: "text", data: "x".repeat(1024 * 1024) }));
      expect((await socket.closed).code).toBe(1009);
      expect(await server.connectionExists(connectionId)).toBe(false);
      const next = await open(await clientUrl(), "json.webpubsub.azure.v1");
      await next.next(isConnected, "connected");
    });

    it("resends only unacknowledged messages on recovery and refuses a wrong reconnection token with 1008", async () => {
      const url = await clientUrl({ userId: "raw-reliable" });
      const first = await open(url, "json.reliable.webpubsub.azure.v1");
      const connected = (await first.next(isConnected, "connected")) as { connectionId: string; reconnectionToken: string; userId: string };
      expect(connected).toMatchObject({
        type: "system",
        event: "connected",
        userId: "raw-reliable",
        reconnectionToken: expect.any(String),
      });
      await app.sendMessage({ message: "one", contentType: "text/plain", userId: "raw-reliable" });
      await app.sendMessage({ message: "two", contentType: "text/plain", userId: "raw-reliable" });
      await first.next((frame) => (frame as { sequenceId?: number }).sequenceId === 2, "sequenceId 2");
      expect(first.frames.filter((frame) => (frame as { type?: string }).type === "message")).toEqual([
        { sequenceId: 1, type: "message", from: "server", dataType: "text", data: "one" },
        { sequenceId: 2, type: "message", from: "server", dataType: "text", data: "two" },
      ]);
      first.socket.send(JSON.stringify({ type: "sequenceAck", sequenceId: 1 }));
      // Frames are handled in order: once the pong is back, the sequenceAck has been applied.
      first.socket.send(JSON.stringify({ type: "ping" }));
      await first.next((frame) => (frame as { type?: string }).type === "pong", "pong");
      // A dropped network, not a close handshake: the connection waits for recovery.
      first.close();
      expect((await first.closed).code).toBe(1006);

      const recoveryUrl = (token: string) =>
        `${url}&awps_connection_id=${encodeURIComponent(connected.connectionId)}&awps_reconnection_token=${encodeURIComponent(token)}`;
      const refused = await open(recoveryUrl("wrong-token"), "json.reliable.webpubsub.azure.v1");
      expect((await refused.closed).code).toBe(1008);
      expect(refused.frames[0]).toMatchObject({ type: "system", event: "disconnected" });

      const second = await open(recoveryUrl(connected.reconnectionToken), "json.reliable.webpubsub.azure.v1");
      const again = (await second.next(isConnected, "connected again")) as { connectionId: string; reconnectionToken: string };
      expect(again.connectionId).toBe(connected.connectionId);
      expect(again.reconnectionToken).not.toBe(connected.reconnectionToken);
      await second.next((frame) => (frame as { sequenceId?: number }).sequenceId === 2, "the unacknowledged message");
      expect(
        second.frames
          .filter((frame) => (frame as { type?: string }).type === "message")
          .map((frame) => (frame as { sequenceId: number }).sequenceId),
      ).toEqual([2]);
    });

    it("delivers plain frames to a client without a subprotocol", async () => {
      const socket = await open(await clientUrl({ userId: "raw-user" }));
      expect(socket.socket.protocol).toBe("");
      await app.sendMessage({ message: { hello: "raw" }, contentType: "application/json", userId: "raw-user" });
      await app.sendMessage({ message: "text", contentType: "text/plain", userId: "raw-user" });
      await server.sendToUser("raw-user", new Uint8Array([1, 2]).buffer);
      await eventually(() => (socket.frames.length >= 3 ? true : undefined), "three frames");
      expect(socket.frames[0]).toEqual({ hello: "raw" });
      expect(socket.frames[1]).toBe("text");
      expect([...(socket.frames[2] as Buffer)]).toEqual([1, 2]);
    });
  });
});
