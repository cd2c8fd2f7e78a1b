// ARM's refusals in ARM's words, each with where the wording was seen (/work/research/arm-rbac.md §2.4 and §5
// hold the quotes). A value from the request is quoted back only when it is short and plain — never anything that
// could be a token — otherwise the refusal goes out as the status alone, its reason kept in the refusal log.
import { ArmError, statusOnly, type ArmErrorStatus } from "./armError.js";

/** ARM gateway refusals carry `x-ms-failure-cause: gateway` (captures: Azure/azure-powershell#3079 for
 * InvalidApiVersionParameter; an `az ad sp create-for-rbac` capture for AuthorizationFailed on roleAssignments/write;
 * ResourceGroupNotFound/ResourceNotFound captures in azure-xplat-cli recordings and terraform-provider-azapi traces). */
const gateway = { "x-ms-failure-cause": "gateway" } as const;

/** Printable ASCII without quotes or backslashes, so a quoted value cannot end its quotes early. */
const plainValue = /^[\x20\x21\x23-\x26\x28-\x5b\x5d-\x7e]*$/;

/** Whether a request value may be quoted in a response: short, printable, no quotes or control characters. */
export function isEchoable(value: string, maxLength = 128): boolean {
  return value.length <= maxLength && plainValue.test(value) && !/eyJ[\w-]{8,}/.test(value);
}

function armWording(status: ArmErrorStatus, code: string, message: string, headers?: Readonly<Record<string, string>>): ArmError {
  return new ArmError(status, code, message, { isArmWording: true, ...(headers ? { headers } : {}) });
}

/** hashicorp/terraform-provider-azurerm#3612 (`Status=401`). */
export function authorizationHeaderMissing(): ArmError {
  return armWording(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
}

/** hashicorp/go-azure-helpers#51 (`Status=401`): the allowed audiences in ARM's own order. */
export function invalidTokenAudience(audience: string): ArmError {
  if (!isEchoable(audience, 256))
    return statusOnly(401, "InvalidAuthenticationTokenAudience", "The token's audience is not one of ARM's (not quoted: not a plain value).");
  return armWording(
    401,
    "InvalidAuthenticationTokenAudience",
    `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
  );
}

/** .NET's `M/d/yyyy h:mm:ss tt` in UTC, as ARM prints times in ExpiredAuthenticationToken. */
export function dotNetUtcTime(time: Date): string {
  const hours = time.getUTCHours();
  const twoDigits = (value: number): string => String(value).padStart(2, "0");
  return `${time.getUTCMonth() + 1}/${time.getUTCDate()}/${time.getUTCFullYear()} ${hours % 12 === 0 ? 12 : hours % 12}:${twoDigits(time.getUTCMinutes())}:${twoDigits(time.getUTCSeconds())} ${hours < 12 ? "AM" : "PM"}`;
}

/** Azure/azure-sdk-for-java#33112; the capture shows the code and message, 401 is the status of every ARM token refusal. */
export function expiredToken(expiry: Date, now: Date): ArmError {
  return armWording(
    401,
    "ExpiredAuthenticationToken",
    `The access token expiry UTC time '${dotNetUtcTime(expiry)}' is earlier than current UTC time '${dotNetUtcTime(now)}'.`,
  );
}

/** Ansible-collections/azure#1930 and a 2026 `az` capture (`Bad Request({"error":{"code":"InvalidApiVersionParameter",…`). */
export function invalidApiVersion(apiVersion: string, supported: readonly string[]): ArmError {
  if (!isEchoable(apiVersion, 32))
    return statusOnly(400, "InvalidApiVersionParameter", "The api-version is not one this route serves (not quoted: not a plain value).", gateway);
  return armWording(
    400,
    "InvalidApiVersionParameter",
    `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(",")}'.`,
    gateway,
  );
}

/** The Azure REST API guidelines ("DO return HTTP 400 … MissingApiVersionParameter") and an observed Logic Apps body. */
export function missingApiVersion(): ArmError {
  return armWording(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
}

/** Azure/apiops#460 ("failed with status code 400"), Azure/azure-cli#30953. */
export function invalidSubscriptionId(subscriptionId: string): ArmError {
  if (!isEchoable(subscriptionId, 64)) return statusOnly(400, "InvalidSubscriptionId", "The subscription ID is not a GUID (not quoted: not a plain value).");
  return armWording(400, "InvalidSubscriptionId", `The provided subscription identifier '${subscriptionId}' is malformed or invalid.`);
}

/** Azure/azure-cli#33657 and microsoft/AzureStorageExplorer#4273 (body). The 404 is expected, not seen in a capture. */
export function subscriptionNotFound(subscriptionId: string): ArmError {
  return armWording(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
}

/** pulumi/pulumi#3891 (`Status=404`); an azure-xplat-cli recording shows it with x-ms-failure-cause: gateway. */
export function resourceGroupNotFound(resourceGroup: string): ArmError {
  return armWording(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`, gateway);
}

/**
 * Azure/ARO-RP#66, Azure/azure-rest-api-specs#9549 (`StatusCode=403`) and the `az ad sp create-for-rbac` capture
 * quoted in arm-rbac.md §5 (scope = the role assignment's ID for roleAssignments/write). For a service principal
 * both slots hold its object ID.
 */
export function authorizationFailed(objectId: string, action: string, scope: string): ArmError {
  return armWording(
    403,
    "AuthorizationFailed",
    `The client '${objectId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    gateway,
  );
}

/** Azure/azure-service-operator#2586 ("RESPONSE 400"); returned for DELETE as well as PUT. */
export function invalidRoleAssignmentId(name: string): ArmError {
  if (!isEchoable(name, 64)) return statusOnly(400, "InvalidRoleAssignmentId", "The role assignment name is not a GUID (not quoted: not a plain value).");
  return armWording(400, "InvalidRoleAssignmentId", `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
}

/** Azure/azure-powershell#16627 ("Operation returned an invalid status code 'BadRequest'"). */
export function invalidPrincipalId(principalId: string): ArmError {
  if (!isEchoable(principalId, 64)) return statusOnly(400, "InvalidPrincipalId", "The principal ID is not a GUID (not quoted: not a plain value).");
  return armWording(400, "InvalidPrincipalId", `The Principal ID '${principalId}' is not valid. Principal ID must be a GUID.`);
}

/**
 * hashicorp/terraform-provider-azurerm#28557 (`Status=409 Code="RoleAssignmentExists"`); PR #28694: the same scope,
 * role and principal under a different name.
 */
export function roleAssignmentExists(): ArmError {
  return armWording(409, "RoleAssignmentExists", "The role assignment already exists.");
}

/**
 * OfficeDev/microsoft-teams-apps-company-communicator#569 and Azure/Azure-Landing-Zones#2040 (a deployment's
 * `"code": "BadRequest"` wrapping it, i.e. 400): a PUT to an existing assignment's name with another principal or
 * scope (names are unique across scopes: learn "Troubleshoot Azure RBAC", ARM template role assignment BadRequest).
 */
export function roleAssignmentUpdateNotPermitted(): ArmError {
  return armWording(400, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
}

/** The Enterprise-Scale wiki (RoleDefinitionsClient#Get) and Azure/Azure-Landing-Zones#3946 (`StatusCode=404`). */
export function roleDefinitionDoesNotExist(roleDefinitionId: string): ArmError {
  return armWording(404, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${roleDefinitionId}' does not exist.`);
}

/**
 * Learn "Troubleshoot Chaos Studio" quotes the message ("The content media type '<null>' is not supported. Only
 * 'application/json' is supported."); Azure/ARO-RP pkg/frontend/middleware/body.go sends it as 415
 * UnsupportedMediaType, with the Content-Type as given.
 */
export function unsupportedMediaType(contentType: string | undefined): ArmError {
  const quoted = contentType ?? "<null>";
  if (!isEchoable(quoted, 128)) return statusOnly(415, "UnsupportedMediaType", "The request body is not JSON (media type not quoted: not a plain value).");
  return armWording(415, "UnsupportedMediaType", `The content media type '${quoted}' is not supported. Only 'application/json' is supported.`);
}
