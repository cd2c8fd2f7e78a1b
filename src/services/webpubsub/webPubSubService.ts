// The app's operations on Azure Web PubSub through @azure/web-pubsub with the app's shared credential
// (Entra ID; no access key anywhere): client URLs minted by WebPubSub_GenerateClientToken, sends to all,
// a group or a user, and an access check that proves the identity holds the permission negotiate needs.
// Every name is checked here too, not only by the functions: a caller that skips their validation still
// cannot turn a send to one user or group into a send to everyone (see webPubSubNames.ts).
import type { TokenCredential } from "@azure/core-auth";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { assertWebPubSubName, WebPubSubNameError, webPubSubGroupName, webPubSubHubName, webPubSubUserId } from "./webPubSubNames.js";

export interface WebPubSubService {
  /** A client access URL (`wss://…/client/hubs/<hub>?access_token=…`) via :generateToken, never an access key. */
  mintClientUrl(options: {
    userId?: string;
    groups?: readonly string[];
    roles?: readonly string[];
    minutesToExpire?: number;
    abortSignal?: AbortSignal;
  }): Promise<string>;
  sendMessage(options: {
    message: unknown;
    contentType: "application/json" | "text/plain";
    group?: string;
    userId?: string;
    abortSignal?: AbortSignal;
  }): Promise<void>;
  publishToGroup(group: string, message: unknown, options?: { abortSignal?: AbortSignal }): Promise<void>;
  /** Proves authorization with a :generateToken call; throws the SDK's RestError on 401/403. */
  checkAccess(options: { abortSignal: AbortSignal }): Promise<void>;
}

/**
 * The SDK retries 429/5xx and network errors; two retries keep a call inside the callers' deadlines, and an
 * access check takes `retries: 0` so that a service error is reported as such, on time.
 */
export function createWebPubSubService(options: {
  endpoint: string;
  hub: string;
  credential: TokenCredential;
  retries?: number;
}): WebPubSubService {
  const hub = assertWebPubSubName(webPubSubHubName, "hub", options.hub);
  const client = new WebPubSubServiceClient(options.endpoint, options.credential, hub, {
    retryOptions: { maxRetries: options.retries ?? 2 },
  });

  async function sendJson(
    message: unknown,
    target: { group?: string; userId?: string },
    abortSignal: AbortSignal | undefined,
  ): Promise<void> {
    // The SDK serializes with JSON.stringify; undefined (or a function) would send no body at all.
    if (message === undefined || typeof message === "function" || typeof message === "symbol")
      throw new TypeError("message must be a JSON value for application/json");
    const json = message as Parameters<WebPubSubServiceClient["sendToAll"]>[0];
    if (target.group !== undefined) await client.group(target.group).sendToAll(json, { abortSignal });
    else if (target.userId !== undefined) await client.sendToUser(target.userId, json, { abortSignal });
    else await client.sendToAll(json, { abortSignal });
  }

  async function sendText(
    message: unknown,
    target: { group?: string; userId?: string },
    abortSignal: AbortSignal | undefined,
  ): Promise<void> {
    if (typeof message !== "string") throw new TypeError("message must be a string for text/plain");
    const textOptions = { contentType: "text/plain" as const, abortSignal };
    if (target.group !== undefined) await client.group(target.group).sendToAll(message, textOptions);
    else if (target.userId !== undefined) await client.sendToUser(target.userId, message, textOptions);
    else await client.sendToAll(message, textOptions);
  }

  return {
    async mintClientUrl({ userId, groups, roles, minutesToExpire, abortSignal }) {
      if (userId !== undefined) assertWebPubSubName(webPubSubUserId, "userId", userId);
      for (const group of groups ?? []) assertWebPubSubName(webPubSubGroupName, "groups", group);
      if (minutesToExpire !== undefined && (!Number.isInteger(minutesToExpire) || minutesToExpire < 1))
        throw new TypeError("minutesToExpire must be a whole number of minutes, at least 1");
      const { url } = await client.getClientAccessToken({
        ...(userId !== undefined ? { userId } : {}),
        ...(groups ? { groups: [...groups] } : {}),
        ...(roles ? { roles: [...roles] } : {}),
        ...(minutesToExpire !== undefined ? { expirationTimeInMinutes: minutesToExpire } : {}),
        abortSignal,
      });
      return url;
    },

    async sendMessage({ message, contentType, group, userId, abortSignal }) {
      if (group !== undefined && userId !== undefined) throw new WebPubSubNameError("group", "give group or userId, not both");
      const target = {
        ...(group !== undefined ? { group: assertWebPubSubName(webPubSubGroupName, "group", group) } : {}),
        ...(userId !== undefined ? { userId: assertWebPubSubName(webPubSubUserId, "userId", userId) } : {}),
      };
      if (contentType === "text/plain") await sendText(message, target, abortSignal);
      else await sendJson(message, target, abortSignal);
    },

    async publishToGroup(group, message, publishOptions = {}) {
      await sendJson(message, { group: assertWebPubSubName(webPubSubGroupName, "group", group) }, publishOptions.abortSignal);
    },

    async checkAccess({ abortSignal }) {
      // :generateToken needs clientConnection/generateToken/action — exactly what negotiate needs. The
      // token is short-lived and dropped at once.
      await client.getClientAccessToken({ expirationTimeInMinutes: 1, abortSignal });
    },
  };
}
