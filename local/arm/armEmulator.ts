// The local Azure Resource Manager: HTTPS on loopback, serving the stack's one role table — resource groups,
// Microsoft.Authorization permissions, role assignments and built-in role definitions (armRoutes.ts) — to the real
// @azure/arm-* SDKs. Requests are answered in the order ARM's front door does: token (401) → route (404/405) →
// query (400) → api-version (400) → subscription (400/404) → the caller's rights (403) → resource group (404) →
// the operation's own checks (400/409/413/415). ARM's words are sent where they are public (armErrors.ts); every
// other refusal is the status alone, its reason kept for tests (refusal). No token or header value is ever written
// to a response or kept in a refusal. The emulator knows the subscription and its resource groups, not the
// resources in them: any resource path under a known group is a scope it serves (permissions, role assignments).
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isGuid } from "../../src/shared/guid.js";
import { listenHttps } from "../listenHttps.js";
import type { EmulatorServerOptions } from "../emulatorServerOptions.js";
import type { RoleTable } from "../rbac/roleTable.js";
import { checkApiVersion } from "./armApiVersions.js";
import { createArmAuthentication } from "./armAuthentication.js";
import { ArmError, statusOnly, type ArmRefusal } from "./armError.js";
import { authorizationFailed, invalidSubscriptionId, isEchoable, resourceGroupNotFound, subscriptionNotFound } from "./armErrors.js";
import { parseArmRequestPath, scopeId, type ArmScope, type ArmTarget } from "./armRequestPath.js";
import { requestIdsOf, sendArmError, sendArmResult } from "./armResponse.js";
import type { ArmResourceGroup, ArmRouteContext } from "./armRouteContext.js";
import { findArmRoute } from "./armRoutes.js";

export interface ArmEmulatorOptions extends EmulatorServerOptions {
  /** The stack's one role-assignment table: ARM reads and changes it; data planes enforce it. */
  readonly roles: RoleTable;
  readonly subscriptionId: string;
  /** The subscription's tenant: tokens of any other are refused. */
  readonly tenantId: string;
  readonly resourceGroups: readonly ArmResourceGroup[];
}

export interface ArmEmulator {
  /** https://127.0.0.1:port — what a client sets as its ARM endpoint. */
  readonly endpoint: string;
  /** Why the request with this x-ms-request-id was refused (the wire carries the status alone unless ARM's words are public). */
  refusal(requestId: string): ArmRefusal | undefined;
  close(): Promise<void>;
}

const keptRefusals = 256;
const bodyDeadlineMs = 30_000;
/** Query parameters the routes read: each may appear once. */
const singleParameters = ["api-version", "$filter", "$top", "$skipToken", "tenantId"];

/** Resource group names as ARM allows them (learn "Naming rules and restrictions": 1–90 letters, digits, `_-.()`, not ending in a period). */
const resourceGroupName = /^[-\w.()\p{L}\p{Nd}]{1,90}$/u;

function subscriptionOf(target: ArmTarget): string | undefined {
  if (target.kind === "resourceGroups") return target.subscriptionId;
  return target.scope.kind === "tenant" ? undefined : target.scope.subscriptionId;
}

function resourceGroupOf(scope: ArmScope): string | undefined {
  return scope.kind === "resourceGroup" || scope.kind === "resource" ? scope.resourceGroup : undefined;
}

export async function startArmEmulator(options: ArmEmulatorOptions): Promise<ArmEmulator> {
  const [cert, key] = await Promise.all([readFile(options.certPath), readFile(options.keyPath)]);
  const authentication = createArmAuthentication({ jwksUrl: options.jwksUrl, issuer: options.issuer, tenantId: options.tenantId });

  function checkQuery(query: URLSearchParams): void {
    for (const name of singleParameters)
      if (query.getAll(name).length > 1) throw statusOnly(400, "RepeatedQueryParameter", `The query parameter ${name} appears more than once.`);
    const tenantId = query.get("tenantId");
    if (tenantId !== null && tenantId.toLowerCase() !== options.tenantId.toLowerCase())
      throw statusOnly(400, "CrossTenantNotEmulated", "The local ARM serves one tenant; a cross-tenant request is not emulated.");
    if (query.has("$skipToken")) throw statusOnly(400, "SkipTokenNotEmulated", "The emulator returns whole lists and issues no skip tokens.");
  }

  function checkSubscription(target: ArmTarget): void {
    const subscriptionId = subscriptionOf(target);
    if (subscriptionId === undefined) return;
    if (!isGuid(subscriptionId)) throw invalidSubscriptionId(subscriptionId);
    if (subscriptionId.toLowerCase() !== options.subscriptionId.toLowerCase()) throw subscriptionNotFound(subscriptionId);
  }

  function checkResourceGroup(scope: ArmScope): void {
    const name = resourceGroupOf(scope);
    if (name === undefined || options.resourceGroups.some((group) => group.name.toLowerCase() === name.toLowerCase())) return;
    if (resourceGroupName.test(name) && !name.endsWith(".") && isEchoable(name, 90)) throw resourceGroupNotFound(name);
    throw statusOnly(404, "ResourceGroupNotFound", "The resource group does not exist (its name is not a valid one, so it is not quoted).");
  }

  async function handle(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const ids = requestIdsOf(request, requestId);
    const caller = await authentication.authenticate(request.headers);

    const rawUrl = request.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? "" : rawUrl.slice(queryAt + 1));
    const target = parseArmRequestPath(rawPath);
    const route = findArmRoute(request.method ?? "GET", target);
    checkQuery(query);
    checkApiVersion(query, route.apiVersions);
    checkSubscription(target);

    const scope: ArmScope = target.kind === "resourceGroups" ? { kind: "subscription", subscriptionId: target.subscriptionId } : target.scope;
    const context: ArmRouteContext = {
      request,
      query,
      caller,
      scope,
      name: target.kind === "resourceGroups" ? undefined : target.name,
      roles: options.roles,
      subscriptionId: options.subscriptionId,
      resourceGroups: options.resourceGroups,
      abortSignal: AbortSignal.timeout(bodyDeadlineMs),
      authorize(action, scopeInMessage) {
        const atScope = scopeId(scope);
        if (!options.roles.allowsOnArm(caller.objectId, atScope, action)) {
          const named = scopeInMessage ?? atScope;
          if (!isEchoable(named, 2048)) throw statusOnly(403, "AuthorizationFailed", `No role of the caller grants ${action} here (scope not quoted: not a plain value).`);
          throw authorizationFailed(caller.objectId, action, named);
        }
        checkResourceGroup(scope);
      },
    };
    const result = await route.handle(context);
    sendArmResult(request, response, ids, result.status, result.status === 204 ? undefined : result.body);
  }

  const refusals = new Map<string, ArmRefusal>();
  const server: Server = createServer({ cert, key }, (request, response) => {
    const requestId = randomUUID();
    handle(request, response, requestId).catch((error: unknown) => {
      // Not the client's fault (a bug): a 500 with nothing of the request in it.
      const refused = error instanceof ArmError ? error : statusOnly(500, "InternalError", "The emulator failed to answer the request.");
      refusals.set(requestId, sendArmError(request, response, requestIdsOf(request, requestId), refused));
      if (refusals.size > keptRefusals) refusals.delete(refusals.keys().next().value as string);
    });
  });
  // A client that stops sending mid-request is cut off rather than held forever.
  server.requestTimeout = 60_000;

  const endpoint = await listenHttps(server, options);

  return {
    endpoint,
    refusal: (requestId) => refusals.get(requestId),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
