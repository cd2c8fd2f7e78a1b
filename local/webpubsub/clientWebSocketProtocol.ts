// The client endpoint `wss://<host>/client/hubs/{hub}`: the upgrade (access token or reconnection
// token), then the subprotocol's frames ("Azure Web PubSub supported JSON WebSocket subprotocol" and
// "Reliable JSON WebSocket subprotocol"):
// - json.webpubsub.azure.v1 / json.reliable.webpubsub.azure.v1: joinGroup, leaveGroup, sendToGroup, event,
//   ping and (reliable) sequenceAck; acks `{ type: "ack", ackId, success, error?: { name, message } }` with
//   names Forbidden | InternalServerError | Duplicate; server data as `{ type: "message", … }`.
// - no subprotocol: a simple WebSocket client that only receives; what it sends would be an upstream
//   `message` event, and the emulator has no upstream, so it is dropped.
// "Service declines the client if the message does not match the described format": a malformed frame
// gets a `disconnected` system message and close code 1008; the emulator keeps serving everyone else.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { timingSafeEqual } from "node:crypto";
import { WebSocketServer, type WebSocket, type RawData } from "ws";
import { z } from "zod";
import type { ClientAccessTokens } from "./clientAccessToken.js";
import type { ClientConnection, ClientProtocolName, MessagePayload } from "./clientConnection.js";
import type { ConnectionRegistry } from "./connectionRegistry.js";
import { isValidGroupName, isValidHubName } from "./webPubSubNameRules.js";

const supportedSubprotocols = ["json.reliable.webpubsub.azure.v1", "json.webpubsub.azure.v1"] as const;
const clientPath = /^\/client\/hubs\/([^/]+)\/?$/;

const ackId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();
const groupName = z.string().refine(isValidGroupName, "group must be 1 to 1024 characters, not only whitespace, without line breaks");
const dataType = z.enum(["json", "text", "binary"]).optional();
const clientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("joinGroup"), group: groupName, ackId }),
  z.object({ type: z.literal("leaveGroup"), group: groupName, ackId }),
  z.object({ type: z.literal("sendToGroup"), group: groupName, ackId, noEcho: z.boolean().optional(), dataType, data: z.unknown() }),
  z.object({ type: z.literal("event"), event: z.string().min(1).max(1024), ackId, dataType, data: z.unknown() }),
  z.object({ type: z.literal("sequenceAck"), sequenceId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  z.object({ type: z.literal("ping") }),
]);
type ClientMessage = z.infer<typeof clientMessage>;

export interface ClientWebSocketEndpointOptions {
  /** The emulator's https endpoint; client token audiences are `<endpoint>/client/hubs/<hub>`. */
  readonly endpoint: string;
  readonly registry: ConnectionRegistry;
  readonly tokens: ClientAccessTokens;
  readonly maxFrameBytes: number;
}

export interface ClientWebSocketEndpoint {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

function refuseUpgrade(socket: Duplex, status: 400 | 401 | 404, message: string): void {
  const reason = { 400: "Bad Request", 401: "Unauthorized", 404: "Not Found" }[status];
  const code = { 400: "Error.BadRequest", 401: "Error.Unauthorized", 404: "Error.NotFound" }[status];
  const body = JSON.stringify({ code, message });
  const headers = [
    `HTTP/1.1 ${status} ${reason}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-ms-error-code: ${code}`,
    ...(status === 401 ? ["WWW-Authenticate: Bearer"] : []),
    "Connection: close",
  ];
  socket.end(`${headers.join("\r\n")}\r\n\r\n${body}`);
}

function chooseSubprotocol(header: string | undefined): ClientProtocolName | undefined {
  if (!header) return "raw";
  const offered = header.split(",").map((value) => value.trim());
  return offered.find((value): value is (typeof supportedSubprotocols)[number] =>
    (supportedSubprotocols as readonly string[]).includes(value),
  );
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function payloadOf(message: { dataType?: "json" | "text" | "binary" | undefined; data: unknown }): MessagePayload | string {
  // spec: dataType defaults to json.
  switch (message.dataType ?? "json") {
    case "json":
      return message.data === undefined ? "data is required" : { dataType: "json", value: message.data };
    case "text":
      return typeof message.data === "string" ? { dataType: "text", text: message.data } : "data must be a string when dataType is text";
    case "binary":
      return typeof message.data === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(message.data) && message.data.length % 4 === 0
        ? { dataType: "binary", bytes: Buffer.from(message.data, "base64") }
        : "data must be base64 when dataType is binary";
  }
}

export function createClientWebSocketEndpoint(options: ClientWebSocketEndpointOptions): ClientWebSocketEndpoint {
  const { registry, tokens } = options;
  const chosenProtocols = new WeakMap<IncomingMessage, ClientProtocolName>();
  const server = new WebSocketServer({
    noServer: true,
    // Frames over the limit close the socket with 1009 (message too big).
    maxPayload: options.maxFrameBytes,
    handleProtocols: (_protocols, request) => {
      const chosen = chosenProtocols.get(request);
      return chosen && chosen !== "raw" ? chosen : false;
    },
  });

  function ack(
    connection: ClientConnection,
    id: number | undefined,
    error?: { name: "Forbidden" | "Duplicate" | "InternalServerError"; message: string },
  ): void {
    if (id === undefined) return; // no ackId: fire-and-forget, the client is not told about errors
    connection.sendControl(error ? { type: "ack", ackId: id, success: false, error } : { type: "ack", ackId: id, success: true });
  }

  function isDuplicate(connection: ClientConnection, id: number | undefined): boolean {
    if (id === undefined || !connection.isDuplicateAck(String(id))) return false;
    ack(connection, id, { name: "Duplicate", message: `Message with ack-id: ${id} has been processed` });
    return true;
  }

  function succeed(connection: ClientConnection, id: number | undefined): void {
    if (id !== undefined) connection.rememberAck(String(id));
    ack(connection, id);
  }

  function handleMessage(connection: ClientConnection, message: ClientMessage): void {
    switch (message.type) {
      case "joinGroup":
      case "leaveGroup": {
        if (isDuplicate(connection, message.ackId)) return;
        if (!connection.hasPermission("joinLeaveGroup", message.group)) {
          ack(connection, message.ackId, {
            name: "Forbidden",
            message: `The connection has no permission to join or leave group '${message.group}'.`,
          });
          return;
        }
        if (message.type === "joinGroup") registry.addToGroup(connection, message.group);
        else registry.removeFromGroup(connection, message.group);
        succeed(connection, message.ackId);
        return;
      }
      case "sendToGroup": {
        const payload = payloadOf(message);
        if (typeof payload === "string") {
          connection.close(`Invalid message: ${payload}.`);
          return;
        }
        if (isDuplicate(connection, message.ackId)) return;
        if (!connection.hasPermission("sendToGroup", message.group)) {
          ack(connection, message.ackId, {
            name: "Forbidden",
            message: `The connection has no permission to send to group '${message.group}'.`,
          });
          return;
        }
        registry.deliver(
          registry.groupMembers(connection.hub, message.group),
          { from: "group", group: message.group, payload, ...(connection.userId !== undefined ? { fromUserId: connection.userId } : {}) },
          message.noEcho ? { excluded: new Set([connection.connectionId]) } : {},
        );
        succeed(connection, message.ackId);
        return;
      }
      case "event": {
        const payload = payloadOf(message);
        if (typeof payload === "string") {
          connection.close(`Invalid message: ${payload}.`);
          return;
        }
        if (isDuplicate(connection, message.ackId)) return;
        // The real service forwards events to the hub's upstream event handler; the emulator has no
        // upstream, so the event is acknowledged and dropped.
        succeed(connection, message.ackId);
        return;
      }
      case "sequenceAck":
        if (connection.isReliable) connection.acknowledgeSequence(message.sequenceId);
        return;
      case "ping":
        connection.sendControl({ type: "pong" });
        return;
    }
  }

  function handleFrame(connection: ClientConnection, data: RawData): void {
    if (connection.isTerminated) return;
    // raw clients: frames are upstream `message` events, and there is no upstream.
    if (connection.protocol === "raw") return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    let parsed: unknown;
    try {
      // Text frames, or binary frames holding UTF-8 JSON, are both accepted by the JSON subprotocols.
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch {
      connection.close("Invalid message: the frame is not valid JSON.");
      return;
    }
    const result = clientMessage.safeParse(parsed);
    if (!result.success) {
      const type =
        typeof parsed === "object" && parsed !== null && "type" in parsed
          ? String((parsed as { type: unknown }).type).slice(0, 64)
          : undefined;
      const issue = result.error.issues[0];
      const detail = issue ? `${issue.path.join(".") || "type"}: ${issue.message}` : "unknown format";
      connection.close(`Invalid message${type ? ` of type '${type}'` : ""}: ${detail}`.slice(0, 400));
      return;
    }
    handleMessage(connection, result.data);
  }

  function wire(connection: ClientConnection, socket: WebSocket): void {
    socket.on("message", (data) => handleFrame(connection, data));
    socket.on("error", (error: Error & { code?: string }) => {
      // ws has already closed the socket (1009 for an oversized frame, 1002 for a protocol error); the
      // connection is removed rather than left for recovery, so a client cannot loop on the same frame.
      if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" || error.code?.startsWith("WS_ERR_")) connection.terminate();
    });
  }

  return {
    handleUpgrade(request, socket, head) {
      socket.on("error", () => socket.destroy());
      const url = new URL(request.url ?? "/", "https://emulator.invalid");
      const match = clientPath.exec(url.pathname);
      if (!match?.[1]) return refuseUpgrade(socket, 404, "WebSocket clients connect to /client/hubs/{hub}.");
      let hub: string;
      try {
        hub = decodeURIComponent(match[1]);
      } catch {
        return refuseUpgrade(socket, 400, "The hub name is not valid percent-encoding.");
      }
      if (!isValidHubName(hub))
        return refuseUpgrade(socket, 400, "The field hub must match the regular expression '^[A-Za-z][A-Za-z0-9_`,.[\\]]{0,127}$'.");
      const protocol = chooseSubprotocol(request.headers["sec-websocket-protocol"]);
      if (!protocol) return refuseUpgrade(socket, 400, `Unsupported subprotocol; supported: ${supportedSubprotocols.join(", ")} or none.`);
      chosenProtocols.set(request, protocol);

      const recoveryId = url.searchParams.get("awps_connection_id");
      const recoveryToken = url.searchParams.get("awps_reconnection_token");
      if (recoveryId !== null && recoveryToken !== null) {
        // Reconnection: no access token needed, the reconnection token proves the session.
        server.handleUpgrade(request, socket, head, (ws) => {
          const connection = registry.get(hub, recoveryId);
          const recovered =
            connection && connection.isReliable && !connection.isTerminated && sameSecret(connection.reconnectionToken, recoveryToken)
              ? connection
              : undefined;
          if (!recovered) {
            // 1008 tells the client the connection is gone from the service and it must start anew.
            ws.on("error", () => {});
            ws.send(
              JSON.stringify({
                type: "system",
                event: "disconnected",
                message: "The connection cannot be recovered: it does not exist or the reconnection token is invalid.",
              }),
            );
            ws.close(1008, "Connection not found");
            return;
          }
          wire(recovered, ws);
          registry.recover(recovered, ws);
        });
        return;
      }

      const authorization = request.headers.authorization;
      const token = url.searchParams.get("access_token") ?? (authorization && /^Bearer\s+(\S+)$/i.exec(authorization)?.[1]);
      if (!token) return refuseUpgrade(socket, 401, "The request has no access_token.");
      tokens
        .verify(token, `${options.endpoint}/client/hubs/${hub}`)
        .then((verified) => {
          if (!verified.ok) return refuseUpgrade(socket, 401, verified.message);
          if (socket.destroyed) return;
          server.handleUpgrade(request, socket, head, (ws) => {
            const validGroups = verified.claims.groups.filter(isValidGroupName);
            const connection = registry.open({
              hub,
              userId: verified.claims.userId,
              protocol,
              roles: verified.claims.roles,
              groups: validGroups,
              socket: ws,
            });
            wire(connection, ws);
          });
        })
        .catch(() => refuseUpgrade(socket, 401, "The access token could not be validated."));
    },
    close() {
      registry.closeAll();
      server.close();
    },
  };
}
