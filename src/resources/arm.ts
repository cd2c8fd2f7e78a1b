// Azure Resource Manager, as the identity sees it: can it read its own resource group, the way the fourth
// seed's guide proves access with `az group list` (ResourceGroups_List)? Role: Reader
// (acdd72a7-3385-48ef-bd42-f606fba81ae7, actions `*/read`) on the resource group, which infra/main.bicep grants
// each app identity (grantResourceGroupReader). The same Reader lets the identity read its own role
// assignments and permissions, with which the report explains every other resource's 403 (rbacReader).
//
// Settings: AZURE_RESOURCE_MANAGER_ENDPOINT (default https://management.azure.com), AZURE_SUBSCRIPTION_ID and
// AZURE_RESOURCE_GROUP, each derived from the first resource ID another resource's scope setting holds when
// unset; not configured when neither can be known.
import type { TokenCredential } from "@azure/core-auth";
import { RestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import { httpsEndpointSchema, type SettingsReader } from "../config.js";
import { isGuid } from "../shared/guid.js";
import { createArmClient, type ArmClient, type RoleAssignmentView, type RoleDefinitionView } from "../services/arm/armClient.js";
import { perCredential, type RbacReader, type ResourceDefinition, type RoleGrant } from "./resourceDefinition.js";

export interface ArmSettings {
  readonly endpoint: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
}

export const defaultResourceManagerEndpoint = "https://management.azure.com";
const readerRole = { name: "Reader", id: "acdd72a7-3385-48ef-bd42-f606fba81ae7" } as const;

/** learn "Naming rules for Azure resources", resource groups: 1–90 of alphanumerics, `_ - . ( )` and Unicode letters, not ending in a period. */
const resourceGroupName = z
  .string()
  .trim()
  .regex(/^[-\w.()\p{L}\p{N}]{1,90}$/u, "must be a resource group name (1–90 letters, digits, _ - . ( ))")
  .refine((value) => !value.endsWith("."), "must not end with a period");
const subscriptionId = z
  .string()
  .trim()
  .refine(isGuid, "must be a subscription ID (a GUID)")
  .transform((value) => value.toLowerCase());

/** The subscription and resource group of the first resource ID that names both. */
function fromResourceIds(reader: SettingsReader): { subscriptionId: string; resourceGroup: string } | undefined {
  for (const id of reader.resourceIds()) {
    const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)(\/|$)/i.exec(id);
    if (match?.[1] && match[2] && isGuid(match[1])) return { subscriptionId: match[1].toLowerCase(), resourceGroup: match[2] };
  }
  return undefined;
}

/**
 * The list answered 200 without the app's resource group: the identity may read others but not this one
 * (or it does not exist). identity-probe's own finding, not an Azure error.
 */
export class ResourceGroupNotListedError extends RestError {
  constructor(resourceGroup: string) {
    super(`The resource group '${resourceGroup}' is not among the resource groups this identity can read.`, {
      code: "ResourceGroupNotListed",
      statusCode: 403,
    });
  }
}

const roleDefinitionCacheMs = 60 * 60_000;
const roleDefinitionCacheSize = 200;

function createRbacReader(settings: ArmSettings, client: ArmClient, definitions: RoleDefinitionCache): RbacReader {
  /** The assignments with their roles, each definition read at `scope` (where the identity reads). */
  async function grantsOf(assignments: readonly RoleAssignmentView[], scope: string, abortSignal: AbortSignal): Promise<RoleGrant[]> {
    return Promise.all(
      assignments.map(async (assignment) => {
        const definition = await definitions.get(scope, assignment.roleDefinitionId, client, abortSignal);
        return {
          assignmentId: assignment.id,
          scope: assignment.scope,
          roleName: definition?.roleName ?? assignment.roleDefinitionId,
          roleDefinitionId: assignment.roleDefinitionId,
          permissions: definition?.permissions ?? [],
          createdOn: assignment.createdOn,
        };
      }),
    );
  }
  return {
    subscriptionScope: `/subscriptions/${settings.subscriptionId}`,
    auditScope: `/subscriptions/${settings.subscriptionId}/resourceGroups/${settings.resourceGroup}`,
    permissionsAt: (scope, { abortSignal }) => client.permissionsAt(scope, { abortSignal }),
    grantsAt: async (scope, principalId, { abortSignal }) =>
      grantsOf(await client.roleAssignmentsAt(scope, principalId, { abortSignal }), scope, abortSignal),
    grantsAround: async (principalId, { abortSignal }) => {
      const scope = `/subscriptions/${settings.subscriptionId}/resourceGroups/${settings.resourceGroup}`;
      return grantsOf(await client.roleAssignmentsAround(scope, principalId, { abortSignal }), scope, abortSignal);
    },
  };
}

/** Role definitions change rarely (built-in ones never by ID): read each once an hour at most, for every identity. */
interface RoleDefinitionCache {
  get(scope: string, id: string, client: ArmClient, abortSignal: AbortSignal): Promise<RoleDefinitionView | undefined>;
}

function createRoleDefinitionCache(clock: () => number = Date.now): RoleDefinitionCache {
  const entries = new Map<string, { definition: RoleDefinitionView; readAt: number }>();
  return {
    async get(scope, id, client, abortSignal) {
      // The subscription and tenant forms of an ID name the same definition: keyed by its GUID.
      const key = id.split("/").pop()?.toLowerCase() ?? id;
      const cached = entries.get(key);
      if (cached && clock() - cached.readAt < roleDefinitionCacheMs) return cached.definition;
      try {
        const definition = await client.roleDefinition(scope, id, { abortSignal });
        entries.delete(key);
        entries.set(key, { definition, readAt: clock() });
        if (entries.size > roleDefinitionCacheSize) entries.delete(entries.keys().next().value as string);
        return definition;
      } catch (error) {
        // An unreadable definition leaves the grant named by its ID; the deadline and cancellation still stop the report.
        if (abortSignal.aborted) throw error;
        return undefined;
      }
    },
  };
}

export const arm: ResourceDefinition<ArmSettings, ArmClient> = {
  component: "arm",
  displayName: "Azure Resource Manager",
  audience: "https://management.azure.com",
  endpointSetting: "AZURE_SUBSCRIPTION_ID",
  settingNames: ["AZURE_RESOURCE_MANAGER_ENDPOINT", "AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP"],
  scopeSetting: "AZURE_RESOURCE_GROUP",
  dataRole: readerRole,
  failureSignatures: [
    {
      id: "arm-authorization-failed",
      scenario: "Azure Resource Manager: the identity holds no role that allows reading here",
      match: { origin: "resource", status: [403], code: /^AuthorizationFailed$/ },
      category: "forbidden",
      mayBePropagating: true,
      remediation:
        "{identity} may not read resource groups here (AuthorizationFailed). Assign 'Reader' to principal {principal} on {scope} " +
        "(az role assignment create --assignee-object-id {principal} --assignee-principal-type ServicePrincipal --role Reader --scope {scope}); " +
        "infra/main.bicep does so with grantResourceGroupReader=true.",
      source:
        "github.com/Azure/ARO-RP/issues/66 (message); github.com/Azure/azure-rest-api-specs/issues/9549 (StatusCode=403); learn \"Troubleshoot Azure RBAC\" (code: AuthorizationFailed)",
      evidence: "observed",
      sample: {
        kind: "http",
        status: 403,
        headers: { "content-type": "application/json; charset=utf-8" },
        body:
          '{"error":{"code":"AuthorizationFailed","message":"The client \'5e0c1d00-0000-4000-8000-00000000b003\' with object id \'5e0c1d00-0000-4000-8000-00000000b003\' ' +
          "does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '/subscriptions/00000000-1d00-4000-8000-000000000001' " +
          'or the scope is invalid. If access was recently granted, please refresh your credentials."}}',
      },
    },
    {
      id: "arm-resource-group-not-listed",
      scenario: "Azure Resource Manager: the identity lists resource groups, but not the app's own",
      match: { origin: "resource", status: [403], code: /^ResourceGroupNotListed$/ },
      category: "forbidden",
      mayBePropagating: true,
      remediation:
        "{identity} reads other resource groups but not {scope}: assign 'Reader' to principal {principal} on {scope} " +
        "(az role assignment create --assignee-object-id {principal} --assignee-principal-type ServicePrincipal --role Reader --scope {scope}), " +
        "or correct AZURE_RESOURCE_GROUP if no such group exists.",
      source: "identity-probe's own check: ResourceGroups_List answered 200 without the group (as az group list would show it)",
      evidence: "app",
    },
    {
      id: "arm-subscription-not-found",
      scenario: "Azure Resource Manager: no such subscription for this identity's tenant",
      match: { origin: "resource", code: /^SubscriptionNotFound$/ },
      category: "misconfigured",
      remediation:
        "{endpoint} knows no subscription {scope}: check AZURE_SUBSCRIPTION_ID (az account show --query id), and that the identity is in the subscription's tenant.",
      source: "github.com/Azure/azure-cli/issues/33657; github.com/microsoft/AzureStorageExplorer/issues/4273 (body)",
      evidence: "observed",
      sample: {
        kind: "http",
        status: 404,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: '{"error":{"code":"SubscriptionNotFound","message":"The subscription \'eddf6699-ce89-47d5-84cd-d2a190f2c505\' could not be found."}}',
      },
    },
    {
      id: "arm-invalid-subscription-id",
      scenario: "Azure Resource Manager: the subscription ID is malformed",
      match: { origin: "resource", code: /^InvalidSubscriptionId$/ },
      category: "misconfigured",
      remediation: "Azure Resource Manager refused the subscription ID as malformed: correct AZURE_SUBSCRIPTION_ID (a GUID; az account show --query id).",
      source: "github.com/Azure/apiops/issues/460 (status 400, body); github.com/Azure/azure-cli/issues/30953",
      evidence: "observed",
      sample: {
        kind: "http",
        status: 400,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: '{"error":{"code":"InvalidSubscriptionId","message":"The provided subscription identifier \'***\' is malformed or invalid."}}',
      },
    },
    {
      id: "arm-token-audience",
      scenario: "Azure Resource Manager: the token is for another audience",
      match: { origin: "resource", status: [401], code: /^InvalidAuthenticationTokenAudience$/ },
      category: "unauthorized",
      remediation:
        "{endpoint} accepts tokens for its own audience only, and the app asked for {audience}: AZURE_RESOURCE_MANAGER_ENDPOINT points at another cloud's " +
        "Resource Manager, or at something that is not one. Use https://management.azure.com in the public cloud.",
      source: "github.com/hashicorp/go-azure-helpers/issues/51 (Status=401, body); github.com/Azure-Samples/active-directory-dotnetcore-daemon-v2/issues/145",
      evidence: "observed",
      sample: {
        kind: "http",
        status: 401,
        headers: { "content-type": "application/json; charset=utf-8" },
        body:
          '{"error":{"code":"InvalidAuthenticationTokenAudience","message":"The access token has been obtained for wrong audience or resource \'https://graph.windows.net/\'. ' +
          "It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.\"}}",
      },
    },
    {
      id: "arm-token-expired",
      scenario: "Azure Resource Manager: the token had expired when it arrived",
      match: { origin: "resource", code: /^ExpiredAuthenticationToken$/ },
      category: "unauthorized",
      remediation:
        "Azure Resource Manager found the token expired: this machine's clock is behind, or a token was cached past its expiry. Check the clock; " +
        "the identity endpoint issues a fresh token on the next report.",
      source: "github.com/Azure/azure-sdk-for-java/issues/33112 (message)",
      evidence: "observed",
      sample: {
        kind: "http",
        status: 401,
        headers: { "content-type": "application/json; charset=utf-8" },
        body:
          '{"error":{"code":"ExpiredAuthenticationToken","message":"The access token expiry UTC time \'1/18/2023 5:10:42 PM\' is earlier than current UTC time \'1/18/2023 5:24:09 PM\'."}}',
      },
    },
    {
      id: "arm-token-tenant",
      scenario: "Azure Resource Manager: the token is from another tenant than the subscription's",
      match: { origin: "resource", code: /^InvalidAuthenticationTokenTenant$/ },
      category: "unauthorized",
      remediation:
        "The subscription {scope} belongs to another tenant than {identity}: a managed identity only reaches its own tenant's subscriptions. " +
        "Correct AZURE_SUBSCRIPTION_ID; after a subscription transfer, wait up to an hour.",
      source: "github.com/Azure/LogicAppsUX/issues/9068 (message)",
      evidence: "observed",
      sample: {
        kind: "http",
        status: 401,
        headers: { "content-type": "application/json; charset=utf-8" },
        body:
          '{"error":{"code":"InvalidAuthenticationTokenTenant","message":"The access token is from the wrong issuer \'https://sts.windows.net/00000000-0000-0000-0000-0000000000f8/\'. ' +
          "It must match the tenant 'https://sts.windows.net/00000000-0000-0000-0000-0000000000a6/' associated with this subscription. Please use the authority (URL) " +
          "'https://login.windows.net/00000000-0000-0000-0000-0000000000a6' to get the token. Note, if the subscription is transferred to another tenant there is no impact " +
          "to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error " +
          'message, please try back later."}}',
      },
    },
    {
      id: "arm-throttled",
      scenario: "Azure Resource Manager: the subscription's read budget is spent",
      match: { origin: "resource", status: [429], code: /^SubscriptionRequestsThrottled$/ },
      category: "endpoint-error",
      isTransient: true,
      remediation: "Azure Resource Manager throttles reads in this subscription (429). {retry} See https://aka.ms/arm-throttling.",
      source: "github.com/velero-io/velero/issues/9171 (429, body); learn \"Understand how Azure Resource Manager throttles requests\" (Retry-After)",
      evidence: "observed",
      sample: {
        kind: "http",
        status: 429,
        headers: { "content-type": "application/json; charset=utf-8", "retry-after": "1" },
        body:
          '{"error":{"code":"SubscriptionRequestsThrottled","message":"Number of \'read\' requests for subscription \'xxx\' actor \'yyyy\' exceeded. ' +
          "Please try again after '1' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.\"}}",
      },
    },
  ],
  operations: {
    // ResourceGroups_List: what `az group list` calls; Reader's `*/read` allows it.
    listResourceGroups: { dataActions: [], actions: ["Microsoft.Resources/subscriptions/resourceGroups/read"] },
  },
  accessOperation: "listResourceGroups",

  readSettings(reader) {
    const endpoint = reader.parse("AZURE_RESOURCE_MANAGER_ENDPOINT", httpsEndpointSchema, defaultResourceManagerEndpoint);
    const derived = fromResourceIds(reader);
    const subscription = reader.parse("AZURE_SUBSCRIPTION_ID", subscriptionId) ?? derived?.subscriptionId;
    const resourceGroup = reader.parse("AZURE_RESOURCE_GROUP", resourceGroupName) ?? derived?.resourceGroup;
    const isSubscriptionSet = reader.raw("AZURE_SUBSCRIPTION_ID") !== undefined;
    const isGroupSet = reader.raw("AZURE_RESOURCE_GROUP") !== undefined;
    if (subscription === undefined && resourceGroup === undefined) return undefined;
    if (subscription === undefined && !isSubscriptionSet)
      reader.problem("AZURE_SUBSCRIPTION_ID", "AZURE_SUBSCRIPTION_ID must be set with AZURE_RESOURCE_GROUP (no resource ID setting names it)");
    if (resourceGroup === undefined && !isGroupSet)
      reader.problem("AZURE_RESOURCE_GROUP", "AZURE_RESOURCE_GROUP must be set with AZURE_SUBSCRIPTION_ID (no resource ID setting names it)");
    return subscription && resourceGroup ? { endpoint, subscriptionId: subscription, resourceGroup } : undefined;
  },

  accessTarget: (settings) => ({
    componentId: `${settings.endpoint}/subscriptions/${settings.subscriptionId}/resourceGroups/${settings.resourceGroup}`,
    endpoint: settings.endpoint,
    scope: `/subscriptions/${settings.subscriptionId}/resourceGroups/${settings.resourceGroup}`,
  }),

  createAccessCheck(settings) {
    const clientFor = perCredential((credential: TokenCredential) =>
      createArmClient({ endpoint: settings.endpoint, credential, audience: arm.audience, retries: 0 }),
    );
    return async (credential, abortSignal) => {
      const groups = await clientFor(credential).listResourceGroups(settings.subscriptionId, { abortSignal });
      // Resource group names compare without regard to case (ARM).
      if (!groups.some((group) => group.name.toLowerCase() === settings.resourceGroup.toLowerCase()))
        throw new ResourceGroupNotListedError(settings.resourceGroup);
    };
  },

  createService: (settings, credential) => createArmClient({ endpoint: settings.endpoint, credential, audience: arm.audience }),

  rbacReader(settings) {
    const definitions = createRoleDefinitionCache();
    return perCredential((credential) =>
      createRbacReader(settings, createArmClient({ endpoint: settings.endpoint, credential, audience: arm.audience, retries: 0 }), definitions),
    );
  },
};
