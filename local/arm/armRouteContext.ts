import type { IncomingMessage } from "node:http";
import type { RoleTable } from "../rbac/roleTable.js";
import type { ArmCaller } from "./armAuthentication.js";
import type { ArmScope } from "./armRequestPath.js";

export interface ArmResourceGroup {
  readonly name: string;
  readonly location: string;
}

/** What a route handler gets: the verified caller, the parsed target and the stack's one role table. */
export interface ArmRouteContext {
  readonly request: IncomingMessage;
  readonly query: URLSearchParams;
  readonly caller: ArmCaller;
  /** The scope the request names (the subscription for ResourceGroups_List). */
  readonly scope: ArmScope;
  /** The item's name: a role assignment's name or a role definition's ID; undefined for a collection. */
  readonly name: string | undefined;
  readonly roles: RoleTable;
  readonly subscriptionId: string;
  readonly resourceGroups: readonly ArmResourceGroup[];
  readonly abortSignal: AbortSignal;
  /**
   * A thrown 403 AuthorizationFailed unless the caller may perform `action` at the target's scope (ARM's view of
   * the role table: no propagation delay), then a thrown 404 if the scope's resource group does not exist — in
   * that order, as ARM answers a caller without access to a missing group with 403 (Azure/azure-rest-api-specs#9549).
   * `scopeInMessage` is the scope the message names (the role assignment's ID for an item operation).
   */
  authorize(action: string, scopeInMessage?: string): void;
}

export type ArmResult = { readonly status: 200 | 201; readonly body: unknown } | { readonly status: 204 };
