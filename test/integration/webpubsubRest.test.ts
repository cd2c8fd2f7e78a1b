// The Web PubSub emulator's data-plane REST API through the real @azure/web-pubsub SDK with a real
// ManagedIdentityCredential (App Service protocol), plus hostile input over plain HTTPS.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "@azure/identity";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { RestError } from "@azure/core-rest-pipeline";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { decodeJwt } from "jose";
import { connect as tlsConnect } from "node:tls";
import { localSystemIdentity, localUnprivilegedIdentity, localUserIdentity } from "../../local/identity/localIdentities.js";
import { openTestSocket, startWebPubSubFixture, type TestSocket, type WebPubSubFixture } from "../fixtures/webPubSubFixture.js";

const hub = "restHub";
const apiVersion = "2024-12-01";

/** A credential that hands out a fixed token: for audiences and identities MSAL would not be asked for. */
function fixedCredential(token: string): TokenCredential {
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
}

async function restErrorOf(promise: Promise<unknown>): Promise<RestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RestError);
  return error as RestError;
}

describe("Web PubSub emulator REST API with the real SDK and managed identity", () => {
  let fixture: WebPubSubFixture;
  let service: WebPubSubServiceClient;
  const sockets: TestSocket[] = [];

  /** A JSON-subprotocol client with a userId, connected through a token the SDK generated. */
  async function connect(options: { userId?: string; groups?: string[]; roles?: string[]; subprotocol?: string } = {}) {
    const { url } = await service.getClientAccessToken({
      ...(options.userId ? { userId: options.userId } : {}),
      ...(options.groups ? { groups: options.groups } : {}),
      ...(options.roles ? { roles: options.roles } : {}),
    });
    const socket = await openTestSocket(url, options.subprotocol ?? "json.webpubsub.azure.v1");
    sockets.push(socket);
    const connected = (await socket.next((frame) => (frame as { event?: string }).event === "connected", "connected")) as {
      connectionId: string;
    };
    return { socket, connectionId: connected.connectionId };
  }

  const messages = (socket: TestSocket) => socket.frames.filter((frame) => (frame as { type?: string }).type === "message");

  beforeAll(async () => {
    fixture = await startWebPubSubFixture({ protocol: "AppService" });
    service = new WebPubSubServiceClient(fixture.emulator.endpoint, new ManagedIdentityCredential(), hub, {
      retryOptions: { maxRetries: 0 },
    });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it("generates a client token with the service's claims: audience, sub, roles, groups, expiry", async () => {
    const { token, url, baseUrl } = await service.getClientAccessToken({
      userId: "user-1",
      roles: ["webpubsub.joinLeaveGroup.room"],
      groups: ["room"],
      expirationTimeInMinutes: 5,
    });
    expect(baseUrl).toBe(`${fixture.emulator.endpoint.replace("https", "wss")}/client/hubs/${hub}`);
    expect(url).toBe(`${baseUrl}?access_token=${token}`);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      aud: `${fixture.emulator.endpoint}/client/hubs/${hub}`,
      sub: "user-1",
      role: ["webpubsub.joinLeaveGroup.room"],
      "webpubsub.group": ["room"],
    });
    expect((claims.exp ?? 0) - Math.floor(Date.now() / 1000)).toBeGreaterThan(240);
    expect((claims.exp ?? 0) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(300);
  });

  it("sends to all connections as json, text and binary, and honours excluded connections", async () => {
    const a = await connect({ userId: "a" });
    const b = await connect({ userId: "b" });
    await service.sendToAll({ hello: "world" });
    await service.sendToAll("plain text", { contentType: "text/plain" });
    await service.sendToAll(new Uint8Array([1, 2, 3]).buffer);
    await service.sendToAll("not for a", { contentType: "text/plain", excludedConnections: [a.connectionId] } as never);
    await service.sendToAll({ last: true });
    for (const client of [a, b])
      await client.socket.next((frame) => (frame as { data?: { last?: boolean } }).data?.last === true, "last message");
    expect(messages(a.socket)).toEqual([
      { type: "message", from: "server", dataType: "json", data: { hello: "world" } },
      { type: "message", from: "server", dataType: "text", data: "plain text" },
      { type: "message", from: "server", dataType: "binary", data: Buffer.from([1, 2, 3]).toString("base64") },
      { type: "message", from: "server", dataType: "json", data: { last: true } },
    ]);
    expect(messages(b.socket)).toHaveLength(5);
  });

  it("sends to a user, a connection and a group, with filters and a message TTL", async () => {
    const a = await connect({ userId: "alice", groups: ["grp"] });
    const b = await connect({ userId: "bob", groups: ["grp"] });
    const c = await connect({ userId: "carol" });
    await service.sendToUser("alice", "to alice", { contentType: "text/plain" });
    await service.sendToConnection(b.connectionId, { to: "bob" }, { messageTtlSeconds: 60 });
    await service.group("grp").sendToAll({ to: "grp" });
    await service.sendToAll({ to: "grp-filter" }, { filter: "'grp' in groups and userId ne 'bob'" });
    await service.group("grp").sendToAll({ to: "group-filter" }, { filter: "userId eq 'bob'" });
    await service.sendToAll({ done: true });
    for (const client of [a, b, c])
      await client.socket.next((frame) => (frame as { data?: { done?: boolean } }).data?.done === true, "done");
    const data = (client: { socket: TestSocket }) => messages(client.socket).map((frame) => (frame as { data: unknown }).data);
    expect(data(a)).toEqual(["to alice", { to: "grp" }, { to: "grp-filter" }, { done: true }]);
    expect(data(b)).toEqual([{ to: "bob" }, { to: "grp" }, { to: "group-filter" }, { done: true }]);
    expect(data(c)).toEqual([{ done: true }]);
    expect(messages(a.socket)[1]).toEqual({ type: "message", from: "group", group: "grp", dataType: "json", data: { to: "grp" } });
  });

  it("answers existence checks with 200/404", async () => {
    const a = await connect({ userId: "exists-user", groups: ["exists-group"] });
    expect(await service.connectionExists(a.connectionId)).toBe(true);
    expect(await service.connectionExists("no-such-connection")).toBe(false);
    expect(await service.userExists("exists-user")).toBe(true);
    expect(await service.userExists("nobody")).toBe(false);
    expect(await service.groupExists("exists-group")).toBe(true);
    expect(await service.groupExists("empty-group")).toBe(false);
  });

  it("manages group membership for connections and users", async () => {
    const a = await connect({ userId: "member-a" });
    const b = await connect({ userId: "member-b" });
    const group = service.group("members");
    await group.addConnection(a.connectionId);
    await group.addUser("member-b");
    expect((await listIds(group)).sort()).toEqual([a.connectionId, b.connectionId].sort());
    await group.removeConnection(a.connectionId);
    expect(await listIds(group)).toEqual([b.connectionId]);
    await group.removeUser("member-b");
    expect(await service.groupExists("members")).toBe(false);

    await service.addConnectionsToGroups(["g1", "g2"], "startswith(userId, 'member-')");
    expect(await service.groupExists("g1")).toBe(true);
    expect((await listIds(service.group("g2"))).sort()).toEqual([a.connectionId, b.connectionId].sort());
    await service.removeConnectionsFromGroups(["g1"], "userId eq 'member-a'");
    expect(await listIds(service.group("g1"))).toEqual([b.connectionId]);
    await service.removeConnectionFromAllGroups(b.connectionId);
    await service.removeUserFromAllGroups("member-a");
    expect(await service.groupExists("g1")).toBe(false);
    expect(await service.groupExists("g2")).toBe(false);

    const missing = await restErrorOf(group.addConnection("no-such-connection"));
    expect(missing.statusCode).toBe(404);
    const noUser = await restErrorOf(group.addUser("nobody"));
    expect(noUser.statusCode).toBe(404);
  });

  it("lists connections in a group page by page with nextLink and maxpagesize", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await connect({ userId: `lister-${i}`, groups: ["listed"] })).connectionId);
    const pages: { connectionId: string; userId?: string }[][] = [];
    for await (const page of (await service.group("listed").listConnections({ maxPageSize: 2 })).byPage()) pages.push(page);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(
      pages
        .flat()
        .map((member) => member.connectionId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(pages.flat().every((member) => member.userId?.startsWith("lister-"))).toBe(true);
    const top: string[] = [];
    for await (const member of await service.group("listed").listConnections({ maxPageSize: 2, top: 3 })) top.push(member.connectionId);
    expect(top).toHaveLength(3);
  });

  it("grants, checks and revokes client permissions", async () => {
    const a = await connect({ userId: "perm" });
    expect(await service.hasPermission(a.connectionId, "sendToGroup", { targetName: "room" })).toBe(false);
    await service.grantPermission(a.connectionId, "sendToGroup", { targetName: "room" });
    expect(await service.hasPermission(a.connectionId, "sendToGroup", { targetName: "room" })).toBe(true);
    expect(await service.hasPermission(a.connectionId, "sendToGroup", { targetName: "other" })).toBe(false);
    await service.grantPermission(a.connectionId, "joinLeaveGroup");
    expect(await service.hasPermission(a.connectionId, "joinLeaveGroup", { targetName: "any" })).toBe(true);
    await service.revokePermission(a.connectionId, "sendToGroup", { targetName: "room" });
    expect(await service.hasPermission(a.connectionId, "sendToGroup", { targetName: "room" })).toBe(false);
    expect(await service.hasPermission("no-such-connection", "sendToGroup")).toBe(false);
    expect((await restErrorOf(service.grantPermission("no-such-connection", "sendToGroup"))).statusCode).toBe(404);
  });

  it("closes connections one by one, by user, by group and all, telling each client why", async () => {
    const a = await connect({ userId: "close-a", groups: ["close-group"] });
    const b = await connect({ userId: "close-b", groups: ["close-group"] });
    const c = await connect({ userId: "close-c" });
    const d = await connect({ userId: "close-d" });
    await service.closeConnection(a.connectionId, { reason: "bye a" });
    expect(await a.socket.closed).toEqual({ code: 1008, reason: "bye a" });
    expect(a.socket.frames).toContainEqual({ type: "system", event: "disconnected", message: "bye a" });
    await service.group("close-group").closeAllConnections({ reason: "group closed" });
    expect((await b.socket.closed).code).toBe(1008);
    await service.closeUserConnections("close-c");
    expect((await c.socket.closed).code).toBe(1008);
    expect(await service.connectionExists(c.connectionId)).toBe(false);
    await service.closeAllConnections({ excluded: [d.connectionId] } as never);
    expect(await service.connectionExists(d.connectionId)).toBe(true);
    await service.closeAllConnections();
    expect((await d.socket.closed).code).toBe(1008);
  });

  describe("authorization", () => {
    it("refuses a token for another audience with 401, and says no more than the service is known to say", async () => {
      const storageToken = await fixture.identity.mintToken({ resource: "https://storage.azure.com", identity: localSystemIdentity });
      const client = new WebPubSubServiceClient(fixture.emulator.endpoint, fixedCredential(storageToken), hub, {
        retryOptions: { maxRetries: 0 },
      });
      const error = await restErrorOf(client.sendToAll({ x: 1 }));
      expect(error.statusCode).toBe(401);
      const response = await fetch(`${fixture.emulator.endpoint}/api/hubs/${hub}/:send?api-version=${apiVersion}`, { method: "POST" });
      expect(response.status).toBe(401);
      // azure-webpubsub#600 shows the status only: no body, code or challenge is invented here.
      expect(response.headers.get("x-ms-error-code")).toBeNull();
      expect(response.headers.get("www-authenticate")).toBeNull();
      expect(await response.text()).toBe("");
    });

    it("accepts a token within Entra's five minutes of clock skew, and refuses one beyond it", async () => {
      const stale = (seconds: number) =>
        fixture.identity.mintToken({ resource: "https://webpubsub.azure.com", identity: localSystemIdentity, lifetimeSeconds: seconds });
      const within = new WebPubSubServiceClient(fixture.emulator.endpoint, fixedCredential(await stale(-120)), hub, {
        retryOptions: { maxRetries: 0 },
      });
      await within.sendToAll({ x: 1 });
      const beyond = new WebPubSubServiceClient(fixture.emulator.endpoint, fixedCredential(await stale(-600)), hub, {
        retryOptions: { maxRetries: 0 },
      });
      expect((await restErrorOf(beyond.sendToAll({ x: 1 }))).statusCode).toBe(401);
    });

    it("refuses an identity with no role with 403 Error.Forbidden naming the missing data action", async () => {
      const client = new WebPubSubServiceClient(
        fixture.emulator.endpoint,
        new ManagedIdentityCredential({ clientId: localUnprivilegedIdentity.clientId }),
        hub,
        { retryOptions: { maxRetries: 0 } },
      );
      const send = await restErrorOf(client.sendToAll({ x: 1 }));
      expect(send.statusCode).toBe(403);
      expect(send.code).toBe("Error.Forbidden");
      expect(send.message).toContain("Microsoft.SignalRService/WebPubSub/hub/send/action");
      const token = await restErrorOf(client.getClientAccessToken());
      expect(token.statusCode).toBe(403);
      expect(token.message).toContain("Microsoft.SignalRService/WebPubSub/clientConnection/generateToken/action");
    });

    it("lets a Web PubSub Service Reader read but not write, and a control-plane Contributor do neither", async () => {
      const client = new WebPubSubServiceClient(
        fixture.emulator.endpoint,
        new ManagedIdentityCredential({ clientId: localUserIdentity.clientId }),
        hub,
        {
          retryOptions: { maxRetries: 0 },
        },
      );
      try {
        fixture.emulator.setRoleAssignments(localUserIdentity.objectId, ["Web PubSub Service Reader"]);
        const a = await connect({ userId: "read-me", groups: ["read-group"] });
        expect(await client.connectionExists(a.connectionId)).toBe(true);
        expect(await client.groupExists("read-group")).toBe(true);
        expect(await client.userExists("read-me")).toBe(true);
        expect(await client.hasPermission(a.connectionId, "sendToGroup")).toBe(false);
        expect(await listIds(client.group("read-group"))).toEqual([a.connectionId]);
        for (const write of [
          () => client.sendToAll({ x: 1 }),
          () => client.group("read-group").sendToAll({ x: 1 }),
          () => client.closeConnection(a.connectionId),
          () => client.group("read-group").addConnection(a.connectionId),
          () => client.getClientAccessToken(),
        ]) {
          const error = await restErrorOf(write());
          expect(error.statusCode).toBe(403);
          expect(error.code).toBe("Error.Forbidden");
        }
        // Contributor's `*` is actions only: it manages the resource and reaches no data action.
        fixture.emulator.setRoleAssignments(localUserIdentity.objectId, ["Contributor"]);
        expect((await restErrorOf(client.groupExists("read-group"))).statusCode).toBe(403);
      } finally {
        fixture.emulator.setRoleAssignments(localUserIdentity.objectId, ["Web PubSub Service Owner"]);
      }
    });
  });

  describe("hostile input", () => {
    let bearer: string;
    beforeAll(async () => {
      bearer = `Bearer ${await fixture.identity.mintToken({ resource: "https://webpubsub.azure.com", identity: localSystemIdentity })}`;
    });

    async function call(method: string, path: string, init: { body?: BodyInit; contentType?: string; auth?: boolean } = {}) {
      const response = await fetch(`${fixture.emulator.endpoint}${path}`, {
        method,
        headers: {
          ...(init.auth === false ? {} : { authorization: bearer }),
          ...(init.contentType ? { "content-type": init.contentType } : {}),
        },
        ...(init.body !== undefined ? { body: init.body } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        code: response.headers.get("x-ms-error-code"),
        body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      };
    }

    /** After every refusal the emulator still serves a good request. */
    async function expectStillServing(): Promise<void> {
      expect(
        (await call("POST", `/api/hubs/${hub}/:send?api-version=${apiVersion}`, { body: "{}", contentType: "application/json" })).status,
      ).toBe(202);
    }

    const json = "application/json";
    const send = (hubName: string, query = "") => `/api/hubs/${hubName}/:send?api-version=${apiVersion}${query}`;
    it.each([
      ["missing api-version", 400, "POST", `/api/hubs/${hub}/:send`, {}, "api-version"],
      ["unknown api-version", 400, "POST", `/api/hubs/${hub}/:send?api-version=1999-01-01`, {}, "api-version"],
      ["hub starting with a digit", 400, "POST", send("1hub"), { body: "{}", contentType: json }, "hub"],
      ["hub with a hyphen", 400, "POST", send("my-hub"), { body: "{}", contentType: json }, "hub"],
      ["hub of 129 characters", 400, "POST", send(`h${"a".repeat(128)}`), { body: "{}", contentType: json }, "hub"],
      ["hub with broken percent-encoding", 400, "POST", send("h%ZZ"), { body: "{}", contentType: json }, "hub"],
      [
        "whitespace-only group",
        400,
        "POST",
        `/api/hubs/${hub}/groups/%20%20/:send?api-version=${apiVersion}`,
        { body: "{}", contentType: json },
        "group",
      ],
      ["group with a line break", 400, "HEAD", `/api/hubs/${hub}/groups/a%0Ab?api-version=${apiVersion}`, {}, undefined],
      [
        "group of 1025 characters",
        400,
        "PUT",
        `/api/hubs/${hub}/groups/${"g".repeat(1025)}/connections/c1?api-version=${apiVersion}`,
        {},
        "group",
      ],
      [
        "empty user ID",
        400,
        "POST",
        `/api/hubs/${hub}/users//:send?api-version=${apiVersion}`,
        { body: "{}", contentType: json },
        "userId",
      ],
      ["malformed JSON body", 400, "POST", send(hub), { body: "{not json", contentType: json }, "message"],
      ["unsupported content type", 415, "POST", send(hub), { body: "<x/>", contentType: "application/xml" }, undefined],
      ["missing content type", 415, "POST", send(hub), { body: new Uint8Array([120]) }, undefined],
      ["body over 1 MB", 413, "POST", send(hub), { body: "a".repeat(1024 * 1024 + 1), contentType: "text/plain" }, undefined],
      ["filter with a syntax error", 400, "POST", send(hub, "&filter=userId%20eq"), { body: "{}", contentType: json }, "filter"],
      ["filter with an unknown identifier", 400, "POST", send(hub, "&filter=name%20eq%20'x'"), { body: "{}", contentType: json }, "filter"],
      ["filter of the wrong type", 400, "POST", send(hub, "&filter=userId"), { body: "{}", contentType: json }, "filter"],
      [
        "filter with an unterminated string",
        400,
        "POST",
        send(hub, "&filter=userId%20eq%20'x"),
        { body: "{}", contentType: json },
        "filter",
      ],
      [
        "messageTtlSeconds over 300",
        400,
        "POST",
        send(hub, "&messageTtlSeconds=301"),
        { body: "{}", contentType: json },
        "messageTtlSeconds",
      ],
      [
        "messageTtlSeconds not a number",
        400,
        "POST",
        send(hub, "&messageTtlSeconds=abc"),
        { body: "{}", contentType: json },
        "messageTtlSeconds",
      ],
      ["maxpagesize of 0", 400, "GET", `/api/hubs/${hub}/groups/g/connections?api-version=${apiVersion}&maxpagesize=0`, {}, "maxpagesize"],
      [
        "forged continuationToken",
        400,
        "GET",
        `/api/hubs/${hub}/groups/g/connections?api-version=${apiVersion}&continuationToken=%7B%7D`,
        {},
        "continuationToken",
      ],
      ["unknown permission", 400, "PUT", `/api/hubs/${hub}/permissions/admin/connections/c1?api-version=${apiVersion}`, {}, "permission"],
      [
        "minutesToExpire of 0",
        400,
        "POST",
        `/api/hubs/${hub}/:generateToken?api-version=${apiVersion}&minutesToExpire=0`,
        {},
        "minutesToExpire",
      ],
      ["unknown clientType", 400, "POST", `/api/hubs/${hub}/:generateToken?api-version=${apiVersion}&clientType=Telnet`, {}, "clientType"],
      ["invalid group in generateToken", 400, "POST", `/api/hubs/${hub}/:generateToken?api-version=${apiVersion}&group=%20`, {}, "group"],
      [
        "addToGroups body that is not JSON",
        400,
        "POST",
        `/api/hubs/${hub}/:addToGroups?api-version=${apiVersion}`,
        { body: "[", contentType: json },
        undefined,
      ],
      [
        "addToGroups body with an unknown field",
        400,
        "POST",
        `/api/hubs/${hub}/:addToGroups?api-version=${apiVersion}`,
        { body: '{"groups":["a"],"x":1}', contentType: json },
        "body",
      ],
      [
        "addToGroups with a bad group",
        400,
        "POST",
        `/api/hubs/${hub}/:addToGroups?api-version=${apiVersion}`,
        { body: '{"groups":[" "]}', contentType: json },
        "groups[0]",
      ],
      [
        "addToGroups with a bad filter",
        400,
        "POST",
        `/api/hubs/${hub}/:addToGroups?api-version=${apiVersion}`,
        { body: '{"groups":["a"],"filter":"(("}', contentType: json },
        "filter",
      ],
      ["unknown route", 404, "GET", `/api/hubs/${hub}/nothing?api-version=${apiVersion}`, {}, undefined],
      ["wrong method", 405, "GET", send(hub), {}, undefined],
    ] as const)("answers %s with %i and no words of its own", async (_name, status, method, path, init, _target) => {
      const result = await call(method, path, init);
      expect(result.status).toBe(status);
      // The service's wording for these refusals is not public: the emulator sends the status alone.
      expect(result.code).toBeNull();
      expect(result.body).toBeUndefined();
      await expectStillServing();
    });

    it("answers a missing or malformed Authorization header with 401 before reading anything", async () => {
      for (const authorization of [undefined, "Basic abc", "Bearer not.a.jwt", "Bearer "]) {
        const response = await fetch(`${fixture.emulator.endpoint}${send(hub)}`, {
          method: "POST",
          headers: { "content-type": json, ...(authorization ? { authorization } : {}) },
          body: "{}",
        });
        expect(response.status).toBe(401);
        await response.text();
      }
      await expectStillServing();
    });

    it("answers malformed HTTP with 400 and keeps serving", async () => {
      const { port } = new URL(fixture.emulator.endpoint);
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: "127.0.0.1", port: Number(port), servername: "localhost" }, () =>
          socket.write("NOT HTTP AT ALL\r\n\r\n"),
        );
        let text = "";
        socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
        socket.on("end", () => resolve(text));
        socket.on("error", reject);
      });
      expect(reply).toMatch(/^HTTP\/1\.1 400/);
      await expectStillServing();
    });

    it("answers the health probe without a token", async () => {
      expect((await call("HEAD", `/api/health?api-version=${apiVersion}`, { auth: false })).status).toBe(200);
    });
  });
});

async function listIds(group: ReturnType<WebPubSubServiceClient["group"]>): Promise<string[]> {
  const ids: string[] = [];
  for await (const member of await group.listConnections()) ids.push(member.connectionId);
  return ids;
}
