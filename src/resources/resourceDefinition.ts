// What the app knows about one Azure resource, in one place: its settings, its token audience, the role
// and data actions its operations need, the setting that names its ARM scope, its access check and its
// service. Everything above this layer (composition, report, timer, CLI, dashboard) iterates over the
// list in resourceDefinitions.ts and never names a resource.
import type { TokenCredential } from "@azure/core-auth";
import type { ResourceSettingsSpec, ResourceState } from "../config.js";
import { mapResourceState } from "../config.js";
import type { FailureSignature } from "../shared/failureSignature.js";
import type { HealthReport } from "../shared/healthReport.js";
import type { Permission } from "../shared/rbacPermissions.js";
import type { ProbeHistory } from "../services/blob/probeHistory.js";

/** A built-in Azure role, by the name the portal shows and its role definition ID (the same in every tenant). */
export interface BuiltInRole {
  readonly name: string;
  readonly id: string;
}

export interface ResourceOperation {
  /** The RBAC data actions the operation needs (any one of them), as role definitions list them. */
  readonly dataActions: readonly string[];
  /** The control-plane actions it needs instead, for an operation on Azure Resource Manager itself. */
  readonly actions?: readonly string[];
}

/** One role assignment of an identity, with what its role allows. */
export interface RoleGrant {
  readonly assignmentId: string;
  readonly scope: string;
  /** The role's name, or its definition ID when the definition cannot be read. */
  readonly roleName: string;
  readonly roleDefinitionId: string;
  /** Empty when the role definition cannot be read. */
  readonly permissions: readonly Permission[];
  readonly createdOn: string | undefined;
}

/** What Azure RBAC says about the identity whose credential reads it (its own permissions and assignments). */
export interface RbacReader {
  /** `/subscriptions/{id}`: where a data role reaches every resource. */
  readonly subscriptionScope: string;
  /** The app's resource group: the privilege audit reads assignments at, above and below it. */
  readonly auditScope: string;
  permissionsAt(scope: string, options: { readonly abortSignal: AbortSignal }): Promise<readonly Permission[]>;
  /** The principal's assignments that apply at `scope` (at it or above it). */
  grantsAt(scope: string, principalId: string, options: { readonly abortSignal: AbortSignal }): Promise<readonly RoleGrant[]>;
  /** The principal's assignments at the audit scope, above it (subscription, management groups) and below it (its resources). */
  grantsAround(principalId: string, options: { readonly abortSignal: AbortSignal }): Promise<readonly RoleGrant[]>;
}

/** Proves that an identity is authorized on the resource (not just that it has a token); throws the SDK's error otherwise. */
export type AccessCheck = (credential: TokenCredential, abortSignal: AbortSignal) => Promise<void>;

/** What an access check is about, as the report names it. */
export interface AccessTarget {
  /** The checked thing (container, hub, workspace): the report entry's componentId. */
  readonly componentId: string;
  readonly endpoint: string;
  /** The resource's ARM ID, when a setting gives it: the scope of role assignments. */
  readonly scope: string | undefined;
}

/** Where the timer probe sends its summary for the dashboard. */
export interface LiveChannel {
  publish(summary: HealthReport, options: { readonly abortSignal: AbortSignal }): Promise<void>;
}

/**
 * One Azure resource. `S` is its settings, `Svc` the service the app's functions use. Methods (not function
 * properties) so that any definition fits the list type `ResourceDefinition` without casts.
 */
export interface ResourceDefinition<S = unknown, Svc = unknown> extends ResourceSettingsSpec<S> {
  /** How the resource is called in text: "Blob Storage", "Web PubSub". */
  readonly displayName: string;
  /** The token audience its data plane accepts (the token's `aud`). */
  readonly audience: string;
  /** The least-privileged built-in role that grants every operation below. */
  readonly dataRole: BuiltInRole;
  readonly operations: Readonly<Record<string, ResourceOperation>>;
  /** Which of `operations` the access check performs. */
  readonly accessOperation: string;
  /** The setting that holds the resource's ARM ID: named in remediation when it is not set. */
  readonly scopeSetting: string;
  /** What the resource answers when access fails, as the service words it, each with its source. */
  readonly failureSignatures: readonly FailureSignature[];
  accessTarget(settings: S): AccessTarget;
  /** The access check for these settings; it keeps one client per credential. */
  createAccessCheck(settings: S): AccessCheck;
  createService(settings: S, credential: TokenCredential): Svc;
  /** Present on the resource that stores the timer probe's history. */
  probeHistory?(service: Svc): ProbeHistory;
  /** Present on Azure Resource Manager: reads each identity's own RBAC, to explain a 403 and audit privileges. */
  rbacReader?(settings: S): (credential: TokenCredential) => RbacReader;
  /** Present on the resource that carries the dashboard's live updates: the group it publishes to. */
  readonly liveUpdates?: { readonly group: string; channel(service: Svc): LiveChannel };
}

/** A resource with its settings resolved, as the probes see it: names and roles, and the check when configured. */
export interface ProbedResource {
  readonly definition: ResourceDefinition;
  readonly access: ResourceState<AccessTarget & { readonly check: AccessCheck }>;
}

export function probedResource<S, Svc>(definition: ResourceDefinition<S, Svc>, settings: ResourceState<S>): ProbedResource {
  return {
    definition,
    access: mapResourceState(settings, (value) => ({ ...definition.accessTarget(value), check: definition.createAccessCheck(value) })),
  };
}

/** One value per credential: each probed identity proves its own access with its own client. */
export function perCredential<T>(create: (credential: TokenCredential) => T): (credential: TokenCredential) => T {
  const cache = new WeakMap<TokenCredential, T>();
  return (credential) => {
    let value = cache.get(credential);
    if (value === undefined) {
      value = create(credential);
      cache.set(credential, value);
    }
    return value;
  };
}
