// The data-plane REST operations of api-version 2024-12-01 (webpubsub.2024-12-01.json), one route per
// operation, each with the data action RBAC requires. Status codes are the spec's: 202 for sends
// (fire-and-forget), 200/404 for existence checks, 200 for adds, 204 for removes and closes.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { ClientAccessTokens } from "./clientAccessToken.js";
import type { ClientConnection, MessagePayload, OutboundMessage } from "./clientConnection.js";
import { FilterSyntaxError, parseConnectionFilter, type ConnectionFilter } from "./connectionFilter.js";
import type { ConnectionRegistry, DeliveryTarget } from "./connectionRegistry.js";
import type { WebPubSubDataAction } from "./dataPlaneAuthorization.js";
import { readRequestBody } from "./requestBody.js";
import { ServiceError } from "./serviceError.js";
import { checkGroupName, checkNonEmpty } from "./webPubSubNameRules.js";

export interface RouteContext {
  readonly request: IncomingMessage;
  readonly hub: string;
  /** Decoded path parameters other than hub. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly registry: ConnectionRegistry;
  readonly tokens: ClientAccessTokens;
  readonly endpoint: string;
  readonly maxBodyBytes: number;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
}

export interface DataPlaneRoute {
  readonly operationId: string;
  readonly method: "GET" | "HEAD" | "POST" | "PUT" | "DELETE";
  /** Template with `{name}` segments, as in the spec's paths. */
  readonly path: string;
  /** undefined = anonymous (health only). */
  readonly action: WebPubSubDataAction | undefined;
  handle(context: RouteContext): Promise<RouteResult>;
}

const action = {
  hubSend: "Microsoft.SignalRService/WebPubSub/hub/send/action",
  groupSend: "Microsoft.SignalRService/WebPubSub/group/send/action",
  groupRead: "Microsoft.SignalRService/WebPubSub/group/read",
  groupWrite: "Microsoft.SignalRService/WebPubSub/group/write",
  userSend: "Microsoft.SignalRService/WebPubSub/user/send/action",
  userRead: "Microsoft.SignalRService/WebPubSub/user/read",
  connectionSend: "Microsoft.SignalRService/WebPubSub/clientConnection/send/action",
  connectionRead: "Microsoft.SignalRService/WebPubSub/clientConnection/read",
  connectionWrite: "Microsoft.SignalRService/WebPubSub/clientConnection/write",
  generateToken: "Microsoft.SignalRService/WebPubSub/clientConnection/generateToken/action",
} as const satisfies Record<string, WebPubSubDataAction>;

// ---- query and body parsing, each failure a 400 naming the parameter ----

function optionalFilter(query: URLSearchParams): ConnectionFilter | undefined {
  const text = query.get("filter");
  if (text === null) return undefined;
  return parseFilter(text);
}

function parseFilter(text: string): ConnectionFilter {
  try {
    return parseConnectionFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new ServiceError(400, `Invalid syntax for filter: ${error.message} (Parameter 'filter')`);
    throw error;
  }
}

function integerParameter(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new ServiceError(400, `The parameter ${name} must be an integer from ${min} to ${max}.`);
  return Number(text);
}

function excludedConnections(query: URLSearchParams): Set<string> {
  const excluded = query.getAll("excluded");
  if (excluded.length > 10_000) throw new ServiceError(400, "Too many excluded connection IDs.");
  return new Set(excluded);
}

function closeReason(query: URLSearchParams): string {
  const reason = query.get("reason") ?? "The connection was closed by the server.";
  if (reason.length > 1024) throw new ServiceError(400, "The parameter reason must be at most 1024 characters.");
  return reason;
}

function mediaType(request: IncomingMessage): string {
  return (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** spec: Send* consume application/json, text/plain and application/octet-stream. */
async function readMessage(context: RouteContext): Promise<Omit<OutboundMessage, "from" | "group">> {
  const type = mediaType(context.request);
  if (type !== "application/json" && type !== "text/plain" && type !== "application/octet-stream")
    throw new ServiceError(415, "The Content-Type must be application/json, text/plain or application/octet-stream.");
  const ttl = integerParameter(context.query, "messageTtlSeconds", 0, 300);
  const body = await readRequestBody(context.request, context.maxBodyBytes);
  let payload: MessagePayload;
  if (type === "application/json") {
    try {
      payload = { dataType: "json", value: JSON.parse(body.toString("utf8")) as unknown };
    } catch {
      throw new ServiceError(400, "The request body is not valid JSON.");
    }
  } else if (type === "text/plain") payload = { dataType: "text", text: body.toString("utf8") };
  else payload = { dataType: "binary", bytes: body };
  // messageTtlSeconds 0 (the default) means the message never expires.
  return { payload, ...(ttl ? { expiresAt: Date.now() + ttl * 1000 } : {}) };
}

const groupsRequest = z.strictObject({
  groups: z.array(z.string()).max(1024),
  filter: z.string().optional(),
});

async function readGroupsRequest(context: RouteContext): Promise<{ groups: string[]; filter: ConnectionFilter | undefined }> {
  if (mediaType(context.request) !== "application/json") throw new ServiceError(415, "The Content-Type must be application/json.");
  const body = await readRequestBody(context.request, context.maxBodyBytes);
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ServiceError(400, "The request body is not valid JSON.");
  }
  const parsed = groupsRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ServiceError(400, `Invalid request body: ${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "unknown"}.`);
  }
  const groups = parsed.data.groups.map((group, index) => checkGroupName(group, `groups[${index}]`));
  return { groups, filter: parsed.data.filter === undefined ? undefined : parseFilter(parsed.data.filter) };
}

function param(context: RouteContext, name: string): string {
  return context.params[name] ?? "";
}

function requireConnection(context: RouteContext): ClientConnection {
  const connectionId = param(context, "connectionId");
  const connection = context.registry.get(context.hub, connectionId);
  if (!connection) throw new ServiceError(404, `Connection '${connectionId}' does not exist.`);
  return connection;
}

function permissionParameter(context: RouteContext): { permission: "joinLeaveGroup" | "sendToGroup"; targetName: string | undefined } {
  const permission = param(context, "permission");
  if (permission !== "joinLeaveGroup" && permission !== "sendToGroup")
    throw new ServiceError(400, "The permission must be one of: sendToGroup, joinLeaveGroup.");
  const targetName = context.query.get("targetName") ?? undefined;
  if (targetName !== undefined) checkGroupName(targetName, "targetName");
  return { permission, targetName };
}

function permissionRole(permission: string, targetName: string | undefined): string {
  return targetName === undefined ? `webpubsub.${permission}` : `webpubsub.${permission}.${targetName}`;
}

async function send(
  context: RouteContext,
  connections: Iterable<ClientConnection>,
  from: OutboundMessage["from"],
  target: DeliveryTarget,
): Promise<RouteResult> {
  const message = await readMessage(context);
  const group = from === "group" ? param(context, "group") : undefined;
  context.registry.deliver(connections, { from, ...(group !== undefined ? { group } : {}), ...message }, target);
  return { status: 202 };
}

function closeEach(connections: Iterable<ClientConnection>, excluded: ReadonlySet<string>, reason: string): RouteResult {
  for (const connection of connections) if (!excluded.has(connection.connectionId)) connection.close(reason);
  return { status: 204 };
}

/** Client endpoint path per clientType: the token's audience names the endpoint the client connects to. */
const clientPathByType = new Map([
  ["default", "client"],
  ["mqtt", "clients/mqtt"],
  ["socketio", "clients/socketio"],
]);

interface PageCursor {
  readonly after: string;
  readonly remaining: number | undefined;
}

function decodeCursor(token: string | null): PageCursor | undefined {
  if (token === null) return undefined;
  try {
    const value = z
      .object({ after: z.string(), remaining: z.number().int().min(1).optional() })
      .parse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    return { after: value.after, remaining: value.remaining };
  } catch {
    throw new ServiceError(400, "The continuationToken is invalid.");
  }
}

export const dataPlaneRoutes: readonly DataPlaneRoute[] = [
  {
    operationId: "HealthApi_GetServiceStatus",
    method: "HEAD",
    path: "/api/health",
    action: undefined,
    handle: async () => ({ status: 200 }),
  },
  {
    operationId: "WebPubSub_AddConnectionsToGroups",
    method: "POST",
    path: "/api/hubs/{hub}/:addToGroups",
    action: action.groupWrite,
    async handle(context) {
      const { groups, filter } = await readGroupsRequest(context);
      for (const connection of context.registry.connections(context.hub)) {
        if (filter && !filter({ connectionId: connection.connectionId, userId: connection.userId, groups: connection.groups })) continue;
        for (const group of groups) context.registry.addToGroup(connection, group);
      }
      return { status: 200 };
    },
  },
  {
    operationId: "WebPubSub_CloseAllConnections",
    method: "POST",
    path: "/api/hubs/{hub}/:closeConnections",
    action: action.connectionWrite,
    handle: async (context) =>
      closeEach(context.registry.connections(context.hub), excludedConnections(context.query), closeReason(context.query)),
  },
  {
    operationId: "WebPubSub_GenerateClientToken",
    method: "POST",
    path: "/api/hubs/{hub}/:generateToken",
    action: action.generateToken,
    async handle(context) {
      const { query } = context;
      const userId = query.get("userId") ?? undefined;
      if (userId !== undefined && userId.length > 1024)
        throw new ServiceError(400, "The parameter userId must be at most 1024 characters.");
      const roles = query.getAll("role");
      if (roles.length > 100 || roles.some((role) => role.length === 0 || role.length > 1100))
        throw new ServiceError(400, "Each role must be 1 to 1100 characters, at most 100 roles.");
      const groups = query.getAll("group");
      if (groups.length > 100) throw new ServiceError(400, "At most 100 groups.");
      groups.forEach((group) => checkGroupName(group, "group"));
      // spec: minutesToExpire defaults to 60, minimum 1.
      const minutesToExpire = integerParameter(query, "minutesToExpire", 1, 525_600) ?? 60;
      const clientType = (query.get("clientType") ?? "Default").toLowerCase();
      const prefix = clientPathByType.get(clientType);
      if (!prefix) throw new ServiceError(400, "The parameter clientType must be Default or MQTT.");
      const token = await context.tokens.issue({
        audience: `${context.endpoint}/${prefix}/hubs/${context.hub}`,
        ...(userId ? { userId } : {}),
        roles,
        groups,
        minutesToExpire,
      });
      return { status: 200, body: { token } };
    },
  },
  {
    operationId: "WebPubSub_RemoveConnectionsFromGroups",
    method: "POST",
    path: "/api/hubs/{hub}/:removeFromGroups",
    action: action.groupWrite,
    async handle(context) {
      const { groups, filter } = await readGroupsRequest(context);
      for (const connection of context.registry.connections(context.hub)) {
        if (filter && !filter({ connectionId: connection.connectionId, userId: connection.userId, groups: connection.groups })) continue;
        for (const group of groups) context.registry.removeFromGroup(connection, group);
      }
      return { status: 200 };
    },
  },
  {
    operationId: "WebPubSub_SendToAll",
    method: "POST",
    path: "/api/hubs/{hub}/:send",
    action: action.hubSend,
    async handle(context) {
      const target = { excluded: excludedConnections(context.query), filter: optionalFilter(context.query) };
      return send(context, context.registry.connections(context.hub), "server", target);
    },
  },
  {
    operationId: "WebPubSub_CloseConnection",
    method: "DELETE",
    path: "/api/hubs/{hub}/connections/{connectionId}",
    action: action.connectionWrite,
    async handle(context) {
      const reason = closeReason(context.query);
      context.registry.get(context.hub, param(context, "connectionId"))?.close(reason);
      return { status: 204 };
    },
  },
  {
    operationId: "WebPubSub_ConnectionExists",
    method: "HEAD",
    path: "/api/hubs/{hub}/connections/{connectionId}",
    action: action.connectionRead,
    handle: async (context) => ({ status: context.registry.get(context.hub, param(context, "connectionId")) ? 200 : 404 }),
  },
  {
    operationId: "WebPubSub_SendToConnection",
    method: "POST",
    path: "/api/hubs/{hub}/connections/{connectionId}/:send",
    action: action.connectionSend,
    async handle(context) {
      const connection = context.registry.get(context.hub, param(context, "connectionId"));
      return send(context, connection ? [connection] : [], "server", {});
    },
  },
  {
    operationId: "WebPubSub_RemoveConnectionFromAllGroups",
    method: "DELETE",
    path: "/api/hubs/{hub}/connections/{connectionId}/groups",
    action: action.groupWrite,
    async handle(context) {
      const connection = context.registry.get(context.hub, param(context, "connectionId"));
      if (connection) for (const group of [...connection.groups]) context.registry.removeFromGroup(connection, group);
      return { status: 204 };
    },
  },
  {
    operationId: "WebPubSub_GroupExists",
    method: "HEAD",
    path: "/api/hubs/{hub}/groups/{group}",
    action: action.groupRead,
    handle: async (context) => ({ status: context.registry.groupMembers(context.hub, param(context, "group")).length > 0 ? 200 : 404 }),
  },
  {
    operationId: "WebPubSub_CloseGroupConnections",
    method: "POST",
    path: "/api/hubs/{hub}/groups/{group}/:closeConnections",
    action: action.connectionWrite,
    handle: async (context) =>
      closeEach(
        context.registry.groupMembers(context.hub, param(context, "group")),
        excludedConnections(context.query),
        closeReason(context.query),
      ),
  },
  {
    operationId: "WebPubSub_SendToGroup",
    method: "POST",
    path: "/api/hubs/{hub}/groups/{group}/:send",
    action: action.groupSend,
    async handle(context) {
      const target = { excluded: excludedConnections(context.query), filter: optionalFilter(context.query) };
      return send(context, context.registry.groupMembers(context.hub, param(context, "group")), "group", target);
    },
  },
  {
    operationId: "WebPubSub_ListConnectionsInGroup",
    method: "GET",
    path: "/api/hubs/{hub}/groups/{group}/connections",
    action: action.groupRead,
    async handle(context) {
      const { query } = context;
      const maxPageSize = integerParameter(query, "maxpagesize", 1, 200) ?? 200;
      const top = integerParameter(query, "top", 1, 2_147_483_647);
      const cursor = decodeCursor(query.get("continuationToken"));
      const remaining = cursor?.remaining ?? top;
      const members = context.registry
        .groupMembers(context.hub, param(context, "group"))
        .sort((a, b) => (a.connectionId < b.connectionId ? -1 : a.connectionId > b.connectionId ? 1 : 0))
        .filter((connection) => cursor === undefined || connection.connectionId > cursor.after);
      const pageSize = Math.min(maxPageSize, remaining ?? Infinity);
      const page = members.slice(0, pageSize);
      const left = remaining === undefined ? undefined : remaining - page.length;
      const value = page.map((connection) => ({
        connectionId: connection.connectionId,
        ...(connection.userId !== undefined ? { userId: connection.userId } : {}),
      }));
      const last = page.at(-1);
      if (!last || members.length <= page.length || left === 0) return { status: 200, body: { value } };
      // core-client follows nextLink as is (it adds no api-version), so the link carries every parameter.
      const next = new URLSearchParams({ "api-version": query.get("api-version") ?? "", maxpagesize: String(maxPageSize) });
      if (top !== undefined) next.set("top", String(top));
      next.set(
        "continuationToken",
        Buffer.from(JSON.stringify({ after: last.connectionId, ...(left !== undefined ? { remaining: left } : {}) })).toString("base64url"),
      );
      const path = `/api/hubs/${encodeURIComponent(context.hub)}/groups/${encodeURIComponent(param(context, "group"))}/connections`;
      return { status: 200, body: { value, nextLink: `${context.endpoint}${path}?${next.toString()}` } };
    },
  },
  {
    operationId: "WebPubSub_RemoveConnectionFromGroup",
    method: "DELETE",
    path: "/api/hubs/{hub}/groups/{group}/connections/{connectionId}",
    action: action.groupWrite,
    async handle(context) {
      const connection = context.registry.get(context.hub, param(context, "connectionId"));
      if (connection) context.registry.removeFromGroup(connection, param(context, "group"));
      return { status: 204 };
    },
  },
  {
    operationId: "WebPubSub_AddConnectionToGroup",
    method: "PUT",
    path: "/api/hubs/{hub}/groups/{group}/connections/{connectionId}",
    action: action.groupWrite,
    async handle(context) {
      // The SDK's addConnection turns a 404 into "Connection id … doesn't exist".
      context.registry.addToGroup(requireConnection(context), param(context, "group"));
      return { status: 200 };
    },
  },
  {
    operationId: "WebPubSub_RevokePermission",
    method: "DELETE",
    path: "/api/hubs/{hub}/permissions/{permission}/connections/{connectionId}",
    action: action.connectionWrite,
    async handle(context) {
      const { permission, targetName } = permissionParameter(context);
      context.registry.get(context.hub, param(context, "connectionId"))?.permissions.delete(permissionRole(permission, targetName));
      return { status: 204 };
    },
  },
  {
    operationId: "WebPubSub_CheckPermission",
    method: "HEAD",
    path: "/api/hubs/{hub}/permissions/{permission}/connections/{connectionId}",
    action: action.connectionRead,
    async handle(context) {
      const { permission, targetName } = permissionParameter(context);
      const connection = context.registry.get(context.hub, param(context, "connectionId"));
      if (!connection) return { status: 404 };
      const granted =
        targetName === undefined
          ? connection.permissions.has(permissionRole(permission, undefined))
          : connection.hasPermission(permission, targetName);
      return { status: granted ? 200 : 404 };
    },
  },
  {
    operationId: "WebPubSub_GrantPermission",
    method: "PUT",
    path: "/api/hubs/{hub}/permissions/{permission}/connections/{connectionId}",
    action: action.connectionWrite,
    async handle(context) {
      const { permission, targetName } = permissionParameter(context);
      requireConnection(context).permissions.add(permissionRole(permission, targetName));
      return { status: 200 };
    },
  },
  {
    operationId: "WebPubSub_UserExists",
    method: "HEAD",
    path: "/api/hubs/{hub}/users/{userId}",
    action: action.userRead,
    handle: async (context) => ({ status: context.registry.userConnections(context.hub, param(context, "userId")).length > 0 ? 200 : 404 }),
  },
  {
    operationId: "WebPubSub_CloseUserConnections",
    method: "POST",
    path: "/api/hubs/{hub}/users/{userId}/:closeConnections",
    action: action.connectionWrite,
    handle: async (context) =>
      closeEach(
        context.registry.userConnections(context.hub, param(context, "userId")),
        excludedConnections(context.query),
        closeReason(context.query),
      ),
  },
  {
    operationId: "WebPubSub_SendToUser",
    method: "POST",
    path: "/api/hubs/{hub}/users/{userId}/:send",
    action: action.userSend,
    async handle(context) {
      return send(context, context.registry.userConnections(context.hub, param(context, "userId")), "server", {
        filter: optionalFilter(context.query),
      });
    },
  },
  {
    operationId: "WebPubSub_RemoveUserFromAllGroups",
    method: "DELETE",
    path: "/api/hubs/{hub}/users/{userId}/groups",
    action: action.groupWrite,
    async handle(context) {
      for (const connection of context.registry.userConnections(context.hub, param(context, "userId")))
        for (const group of [...connection.groups]) context.registry.removeFromGroup(connection, group);
      return { status: 204 };
    },
  },
  {
    operationId: "WebPubSub_RemoveUserFromGroup",
    method: "DELETE",
    path: "/api/hubs/{hub}/users/{userId}/groups/{group}",
    action: action.groupWrite,
    async handle(context) {
      for (const connection of context.registry.userConnections(context.hub, param(context, "userId")))
        context.registry.removeFromGroup(connection, param(context, "group"));
      return { status: 204 };
    },
  },
  {
    operationId: "WebPubSub_AddUserToGroup",
    method: "PUT",
    path: "/api/hubs/{hub}/users/{userId}/groups/{group}",
    action: action.groupWrite,
    async handle(context) {
      const userId = param(context, "userId");
      const connections = context.registry.userConnections(context.hub, userId);
      // The service answers 404 "User … is not found" for a user with no connection (MicrosoftDocs/azure-docs#81677);
      // only current connections join (Azure/azure-webpubsub#325).
      if (connections.length === 0) throw new ServiceError(404, `User '${userId}' is not found.`);
      for (const connection of connections) context.registry.addToGroup(connection, param(context, "group"));
      return { status: 200 };
    },
  },
];

/** Path parameters are validated by name before a handler runs. */
export function validatePathParameter(name: string, value: string): void {
  if (name === "group") checkGroupName(value);
  else if (name === "userId" || name === "connectionId") checkNonEmpty(value, name);
}
