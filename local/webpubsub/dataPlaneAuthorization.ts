// Who may call which data-plane operation. Authentication is an Entra bearer token for
// https://webpubsub.azure.com (createEntraTokenVerifier); authorization is Azure RBAC on the resource, from
// the stack's role table with the built-in roles' real data actions (local/rbac/builtInRoles.ts). Each REST
// operation needs one data action from the resource provider's list (learn "Azure permissions:
// Microsoft.SignalRService"; e.g. `hub/send/action` for SendToAll, `clientConnection/generateToken/action`
// for GenerateClientToken).
import type { IncomingHttpHeaders } from "node:http";
import { createEntraTokenVerifier } from "../entraTokenVerifier.js";
import type { RoleTable } from "../rbac/roleTable.js";
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
  /** The stack's role table; the resource's ARM ID is the scope its assignments must cover. */
  roles: RoleTable;
  resourceId: string;
}): DataPlaneAuthorization {
  const verifier = createEntraTokenVerifier({
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    audiences: ["https://webpubsub.azure.com"],
  });

  return {
    setRoleAssignments: (objectId, roles) => options.roles.setRoles(objectId, options.resourceId, roles),
    async authorize(headers, action) {
      const result = await verifier.verifyAuthorizationHeader(headers.authorization);
      // The service answers a bad token with 401 (github.com/Azure/azure-webpubsub/issues/600); its body is not public.
      if (!result.ok) throw new ServiceError(401, result.message);
      const objectId = result.caller.objectId;
      // Data actions only: a control-plane role such as SignalR/Web PubSub Contributor is refused (aspire#8382).
      if (!options.roles.allowsOnDataPlane(objectId, options.resourceId, action)) throw forbidden(action, `principal ${objectId} lacks ${action}`);
      return { objectId };
    },
  };
}
