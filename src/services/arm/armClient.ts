// The few Azure Resource Manager reads the report makes, on @azure-rest/core-client with a bearer token for
// ARM from the TokenCredential it is given:
// - ResourceGroups_List (`GET /subscriptions/{id}/resourcegroups`, Microsoft.Resources 2025-04-01, the newest
//   stable version in azure-rest-api-specs' resources readme), what `az group list` sends;
// - Permissions_ListForResource / _ListForResourceGroup (`GET {scope}/providers/Microsoft.Authorization/
//   permissions`, 2022-04-01): the caller's own effective actions and data actions at a scope;
// - RoleAssignments_ListForScope (`$filter=atScope() and assignedTo('{id}')`, 2022-04-01) and
//   RoleDefinitions_GetById, to name the roles behind them and their `createdOn`; and `principalId eq` for
//   the privilege audit.
// Pages are followed by nextLink only on this endpoint (the token goes nowhere else), and only so far.
import type { TokenCredential } from "@azure/core-auth";
import { createRestError, getClient, type Client, type PathUncheckedResponse } from "@azure-rest/core-client";
import { RestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import type { Permission } from "../../shared/rbacPermissions.js";

export const resourcesApiVersion = "2025-04-01";
export const authorizationApiVersion = "2022-04-01";
const maxPages = 10;

export interface ArmCallOptions {
  readonly abortSignal?: AbortSignal;
}

export interface ResourceGroupListItem {
  readonly id: string;
  readonly name: string;
}

export interface RoleAssignmentView {
  readonly id: string;
  readonly scope: string;
  readonly roleDefinitionId: string;
  readonly principalId: string;
  readonly createdOn: string | undefined;
}

export interface RoleDefinitionView {
  readonly id: string;
  readonly roleName: string;
  readonly roleType: string | undefined;
  readonly permissions: readonly Permission[];
}

export interface ArmClient {
  listResourceGroups(subscriptionId: string, options?: ArmCallOptions): Promise<ResourceGroupListItem[]>;
  /** The caller's effective permissions at `scope`: one entry per role assignment that applies there. */
  permissionsAt(scope: string, options?: ArmCallOptions): Promise<Permission[]>;
  /** The principal's role assignments that apply at `scope` (at it or above it). */
  roleAssignmentsAt(scope: string, principalId: string, options?: ArmCallOptions): Promise<RoleAssignmentView[]>;
  /** The principal's role assignments at `scope`, above it and below it. */
  roleAssignmentsAround(scope: string, principalId: string, options?: ArmCallOptions): Promise<RoleAssignmentView[]>;
  /**
   * RoleDefinitions_Get at `scope`: a built-in role is readable at any scope where the caller may read
   * (Reader, whose actions read everything, covers `roleDefinitions/read`), not only at the subscription its ID names.
   */
  roleDefinition(scope: string, roleDefinitionId: string, options?: ArmCallOptions): Promise<RoleDefinitionView>;
}

const stringList = z.array(z.string()).nullish().transform((value) => value ?? []);
const permissionSchema = z.object({
  actions: stringList,
  notActions: stringList,
  dataActions: stringList,
  notDataActions: stringList,
});
const pageOf = <T extends z.ZodType>(item: T) => z.object({ value: z.array(item), nextLink: z.string().nullish() });
const resourceGroupSchema = z.object({ id: z.string(), name: z.string() });
const roleAssignmentSchema = z.object({
  id: z.string(),
  properties: z.object({
    scope: z.string(),
    roleDefinitionId: z.string(),
    principalId: z.string(),
    createdOn: z.string().nullish(),
  }),
});
const roleDefinitionSchema = z.object({
  id: z.string(),
  properties: z.object({
    roleName: z.string(),
    // `roleType` in the SDKs; `type` on the wire (spec: "x-ms-client-name": "roleType").
    type: z.string().nullish(),
    permissions: z.array(permissionSchema),
  }),
});

export interface ArmClientOptions {
  readonly endpoint: string;
  readonly credential: TokenCredential;
  /** ARM's token audience; the scope asked for is `${audience}/.default`. */
  readonly audience: string;
  /** 0 for the report: an error is reported as such, on time, not retried into a timeout. */
  readonly retries?: number;
}

/** An ARM scope as a path: `/subscriptions/…` with no trailing slash, each segment kept as it is (no encoding). */
function scopePath(scope: string): string {
  const trimmed = scope.trim().replace(/\/+$/, "");
  if (!/^\/subscriptions\/[^/?#]+(\/[^/?#]+)*$/i.test(trimmed)) throw new RangeError("not an ARM scope");
  return trimmed;
}

export function createArmClient(options: ArmClientOptions): ArmClient {
  const endpoint = options.endpoint.replace(/\/+$/, "");
  const client: Client = getClient(endpoint, options.credential, {
    credentials: { scopes: [`${options.audience.replace(/\/+$/, "")}/.default`] },
    retryOptions: { maxRetries: options.retries ?? 3, retryDelayInMs: 500, maxRetryDelayInMs: 4_000 },
    userAgentOptions: { userAgentPrefix: "identity-probe" },
  });

  function parse<T>(response: PathUncheckedResponse, schema: z.ZodType<T>): T {
    if (response.status !== "200") throw createRestError(response);
    const parsed = schema.safeParse(response.body);
    if (!parsed.success)
      throw new RestError(`Azure Resource Manager answered ${response.status} with a body that is not the documented shape.`, {
        code: "UnexpectedResponse",
        statusCode: Number(response.status),
      });
    return parsed.data;
  }

  /** A nextLink's path and query on this endpoint, or an error: the bearer token is sent nowhere else. */
  function nextLinkOn(nextLink: string): string {
    const url = new URL(nextLink, `${endpoint}/`);
    if (url.origin !== new URL(endpoint).origin) throw new RestError("Azure Resource Manager sent a nextLink to another host.", { code: "UnexpectedResponse" });
    return `${url.pathname}${url.search}`;
  }

  async function allPages<T>(
    first: string,
    query: Record<string, string>,
    item: z.ZodType<T>,
    callOptions: ArmCallOptions,
  ): Promise<T[]> {
    const items: T[] = [];
    let response = await client.pathUnchecked(first).get({ queryParameters: query, abortSignal: callOptions.abortSignal });
    for (let page = 1; ; page += 1) {
      const parsed = parse(response, pageOf(item));
      items.push(...(parsed.value as T[]));
      if (!parsed.nextLink || page >= maxPages) return items;
      response = await client.pathUnchecked(nextLinkOn(parsed.nextLink)).get({ abortSignal: callOptions.abortSignal });
    }
  }

  const assignmentView = (assignment: z.infer<typeof roleAssignmentSchema>): RoleAssignmentView => ({
    id: assignment.id,
    scope: assignment.properties.scope,
    roleDefinitionId: assignment.properties.roleDefinitionId,
    principalId: assignment.properties.principalId,
    createdOn: assignment.properties.createdOn ?? undefined,
  });
  const guid = (value: string): string => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw new RangeError("not a GUID");
    return value;
  };

  return {
    async listResourceGroups(subscriptionId, callOptions = {}) {
      const groups = await allPages(
        `/subscriptions/${guid(subscriptionId)}/resourcegroups`,
        { "api-version": resourcesApiVersion },
        resourceGroupSchema,
        callOptions,
      );
      return groups.map(({ id, name }) => ({ id, name }));
    },

    async permissionsAt(scope, callOptions = {}) {
      return allPages(
        `${scopePath(scope)}/providers/Microsoft.Authorization/permissions`,
        { "api-version": authorizationApiVersion },
        permissionSchema,
        callOptions,
      );
    },

    async roleAssignmentsAt(scope, principalId, callOptions = {}) {
      // Learn "List Azure role assignments using the REST API": atScope() keeps assignments at the scope and
      // above it; assignedTo() keeps the principal's (and its groups').
      const assignments = await allPages(
        `${scopePath(scope)}/providers/Microsoft.Authorization/roleAssignments`,
        { "api-version": authorizationApiVersion, $filter: `atScope() and assignedTo('${guid(principalId)}')` },
        roleAssignmentSchema,
        callOptions,
      );
      return assignments.map(assignmentView);
    },

    async roleAssignmentsAround(scope, principalId, callOptions = {}) {
      // Spec RoleAssignmentFilterParameter: "$filter=principalId eq {id} to return all role assignments at,
      // above or below the scope for the specified principal".
      const assignments = await allPages(
        `${scopePath(scope)}/providers/Microsoft.Authorization/roleAssignments`,
        { "api-version": authorizationApiVersion, $filter: `principalId eq '${guid(principalId)}'` },
        roleAssignmentSchema,
        callOptions,
      );
      return assignments.map(assignmentView);
    },

    async roleDefinition(scope, roleDefinitionId, callOptions = {}) {
      const id = roleDefinitionId.trim().replace(/\/+$/, "");
      if (!/^(\/subscriptions\/[0-9a-f-]{36})?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i.test(id))
        throw new RangeError("not a role definition ID");
      const guid = id.slice(id.lastIndexOf("/") + 1);
      const response = await client
        .pathUnchecked(`${scopePath(scope)}/providers/Microsoft.Authorization/roleDefinitions/${guid}`)
        .get({ queryParameters: { "api-version": authorizationApiVersion }, abortSignal: callOptions.abortSignal });
      const definition = parse(response, roleDefinitionSchema);
      return {
        id: definition.id,
        roleName: definition.properties.roleName,
        roleType: definition.properties.type ?? undefined,
        permissions: definition.properties.permissions,
      };
    },
  };
}
