// Who may call which data-plane operation. Authentication is an Entra bearer token for
// https://webpubsub.azure.com (createEntraTokenVerifier); authorization is Azure RBAC by principal object
// ID, with the built-in roles' real data actions:
// - Web PubSub Service Owner (12cf5a90-567b-43ae-8102-96cf46c7d9b4): dataActions `Microsoft.SignalRService/WebPubSub/*`
// - Web PubSub Service Reader (bfb1c7d2-fb1a-466b-b2ba-aee63b92deaf): dataActions `Microsoft.SignalRService/WebPubSub/*/read`
// - SignalR/Web PubSub Contributor (8cf5e20a-e4b2-4e9d-b3a1-5ceb692c2761): control-plane actions only, no data actions
// Each REST operation needs one data action from the resource provider's list (e.g. `hub/send/action`
// for SendToAll, `clientConnection/generateToken/action` for GenerateClientToken).
import type { IncomingHttpHeaders } from "node:http";
import { createEntraTokenVerifier } from "../entraTokenVerifier.js";
import { defaultPrivilegedObjectIds } from "../identity/localIdentities.js";
import { forbidden, ServiceError } from "./serviceError.js";

export type WebPubSubDataAction =
  | "Microsoft.SignalRService/WebPubSub/hub/send/action"
  | "Microsoft.SignalRService/WebPubSub/group/send/action"
  | "Microsoft.SignalRService/WebPubSub/group/read"
  | "Microsoft.SignalRService/WebPubSub/group/write"
  | "Microsoft.SignalRService/WebPubSub/user/send/action"
  | "Microsoft.SignalRService/WebPubSub/user/read"
  | "Microsoft.SignalRService/WebPubSub/clientConnection/send/action"
  | "Microsoft.SignalRService/WebPubSub/clientConnection/read"
  | "Microsoft.SignalRService/WebPubSub/clientConnection/write"
  | "Microsoft.SignalRService/WebPubSub/clientConnection/generateToken/action";

export const webPubSubRoleNames = ["Web PubSub Service Owner", "Web PubSub Service Reader", "Web PubSub Contributor"] as const;

/** The data-action patterns each built-in role grants (`*` matches one or more path segments, as in Azure RBAC). */
const roleDataActions: Readonly<Record<string, readonly string[]>> = {
  "Web PubSub Service Owner": ["Microsoft.SignalRService/WebPubSub/*"],
  "Web PubSub Service Reader": ["Microsoft.SignalRService/WebPubSub/*/read"],
  "Web PubSub Contributor": [],
  "SignalR/Web PubSub Contributor": [],
};

function matchesPattern(pattern: string, action: string): boolean {
  const expression = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".+")}$`,
    "i",
  );
  return expression.test(action);
}

export interface DataPlaneCaller {
  readonly objectId: string;
}

export interface DataPlaneAuthorization {
  /** 401 (missing/invalid token) or 403 (no role grants the action) as a thrown ServiceError. */
  authorize(headers: IncomingHttpHeaders, action: WebPubSubDataAction): Promise<DataPlaneCaller>;
  setRoleAssignments(objectId: string, roles: readonly string[]): void;
}

export function createDataPlaneAuthorization(options: {
  jwksUrl: string;
  issuer: string;
  roleAssignments?: ReadonlyMap<string, readonly string[]>;
}): DataPlaneAuthorization {
  const verifier = createEntraTokenVerifier({
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    audiences: ["https://webpubsub.azure.com"],
  });
  const assignments = new Map<string, readonly string[]>();
  function setRoleAssignments(objectId: string, roles: readonly string[]): void {
    const unknown = roles.filter((role) => !(role in roleDataActions));
    if (unknown.length > 0)
      throw new TypeError(`Unknown Web PubSub role(s): ${unknown.join(", ")}; known: ${Object.keys(roleDataActions).join(", ")}`);
    assignments.set(objectId, [...roles]);
  }
  const initial =
    options.roleAssignments ?? new Map(defaultPrivilegedObjectIds.map((objectId) => [objectId, ["Web PubSub Service Owner"]] as const));
  for (const [objectId, roles] of initial) setRoleAssignments(objectId, roles);

  return {
    setRoleAssignments,
    async authorize(headers, action) {
      const result = await verifier.verifyAuthorizationHeader(headers.authorization);
      // The service answers a bad token with 401 (github.com/Azure/azure-webpubsub/issues/600); its body is not public.
      if (!result.ok) throw new ServiceError(401, result.message);
      const objectId = result.caller.objectId;
      const roles = assignments.get(objectId) ?? [];
      const granted = roles.some((role) => (roleDataActions[role] ?? []).some((pattern) => matchesPattern(pattern, action)));
      if (!granted) throw forbidden(action, `principal ${objectId} lacks ${action}`);
      return { objectId };
    },
  };
}
