// The local Azure Web PubSub emulator: one HTTPS server with the data-plane REST API of api-version
// 2024-12-01 (bearer tokens from the local identity endpoint, RBAC from a role table) and the client
// WebSocket endpoint /client/hubs/{hub} (json.webpubsub.azure.v1, json.reliable.webpubsub.azure.v1, or
// no subprotocol). Loopback only; close() ends every socket and timer.
import { readFile } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { createClientAccessTokens } from "./clientAccessToken.js";
import { createClientWebSocketEndpoint } from "./clientWebSocketProtocol.js";
import { ConnectionRegistry } from "./connectionRegistry.js";
import { createDataPlaneAuthorization } from "./dataPlaneAuthorization.js";
import { createDataPlaneRouter } from "./dataPlaneRouter.js";
import type { EmulatorServerOptions } from "../emulatorServerOptions.js";
import { defaultRoleAssignments, localWebPubSubId } from "../rbac/localResources.js";
import { createRoleTable } from "../rbac/roleTable.js";

export interface WebPubSubEmulatorOptions extends EmulatorServerOptions {
  /** Largest WebSocket frame and REST message body accepted; the service's limit is 1 MB. */
  maxFrameBytes?: number;
}

export interface WebPubSubEmulator {
  /** https://127.0.0.1:port */
  readonly endpoint: string;
  setRoleAssignments(objectId: string, roles: readonly string[]): void;
  /**
   * Test hook, not a service operation: drops a client's socket without ending its connection, as a
   * network failure would, so a reliable client can recover it. Returns false if no socket was open.
   */
  dropClientSocket(hub: string, connectionId: string): boolean;
  close(): Promise<void>;
}

const oneMegabyte = 1024 * 1024;

export async function startWebPubSubEmulator(options: WebPubSubEmulatorOptions): Promise<WebPubSubEmulator> {
  const host = options.host ?? "127.0.0.1";
  const maxFrameBytes = options.maxFrameBytes ?? oneMegabyte;
  const [cert, key] = await Promise.all([readFile(options.certPath), readFile(options.keyPath)]);
  const authorization = createDataPlaneAuthorization({
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    roles: options.roles ?? createRoleTable({ initial: defaultRoleAssignments() }),
    resourceId: options.resourceId ?? localWebPubSubId,
  });
  const registry = new ConnectionRegistry();
  const tokens = createClientAccessTokens();
  const sockets = new Set<Socket>();

  // Request and upgrade handlers are attached once listening, when the endpoint (with its port) is known.
  const server = createServer({ cert, key });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // A TLS handshake failure or a client reset is that client's problem, not the emulator's.
  server.on("tlsClientError", (_error, socket) => socket.destroy());
  // Malformed HTTP gets the 400 Node would send, then the socket goes.
  server.on("clientError", (_error, socket: Socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const clients = createClientWebSocketEndpoint({ endpoint, registry, tokens, maxFrameBytes });
  server.on("request", createDataPlaneRouter({ registry, tokens, authorization, endpoint, maxBodyBytes: maxFrameBytes }));
  server.on("upgrade", (request, socket, head: Buffer) => clients.handleUpgrade(request, socket, head));

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    setRoleAssignments: (objectId, roles) => authorization.setRoleAssignments(objectId, roles),
    dropClientSocket: (hub, connectionId) => registry.get(hub, connectionId)?.dropSocket() ?? false,
    close() {
      closing ??= new Promise<void>((resolve) => {
        clients.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
