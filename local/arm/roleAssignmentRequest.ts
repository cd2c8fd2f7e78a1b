// The body of RoleAssignments_Create (2022-04-01 RoleAssignmentCreateParameters = `{ properties }`, with
// `roleDefinitionId` and `principalId` required and `principalType` defaulting to "User"). Read-only fields a
// client echoes back (scope, createdOn…) are ignored, as ARM ignores them. What the local role table cannot hold —
// a condition, a description, a delegated managed identity — is refused with 400 alone rather than dropped.
import { z } from "zod";
import { isGuid } from "../../src/shared/guid.js";
import { builtInRoles } from "../rbac/builtInRoles.js";
import { statusOnly } from "./armError.js";
import { invalidPrincipalId } from "./armErrors.js";
import { roleDefinitionGuid } from "./roleAssignmentResource.js";

const bodySchema = z.object({
  properties: z.object({
    roleDefinitionId: z.string().max(512),
    principalId: z.string().max(256),
    // spec: PrincipalType enum (modelAsString).
    principalType: z.enum(["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"]).optional(),
    description: z.string().max(2048).nullable().optional(),
    condition: z.string().max(8192).nullable().optional(),
    conditionVersion: z.string().max(16).nullable().optional(),
    delegatedManagedIdentityResourceId: z.string().max(1024).nullable().optional(),
  }),
});

export interface RoleAssignmentRequest {
  /** The built-in role's GUID. */
  readonly roleDefinitionGuid: string;
  readonly principalId: string;
  readonly principalType: string;
}

/** Role definition IDs as the spec and real requests write them: the subscription form or the tenant form. */
const roleDefinitionIdPattern = /^(?:\/subscriptions\/([^/]+))?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i;

export function parseRoleAssignmentRequest(body: unknown, subscriptionId: string): RoleAssignmentRequest {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success)
    throw statusOnly(400, "InvalidRequestContent", `The body is not a role assignment: ${parsed.error.issues[0]?.path.map(String).join(".") ?? "shape"} is missing or of the wrong type.`);
  const properties = parsed.data.properties;
  if (!isGuid(properties.principalId)) throw invalidPrincipalId(properties.principalId);
  if ((properties.description ?? null) !== null || (properties.condition ?? null) !== null || (properties.delegatedManagedIdentityResourceId ?? null) !== null)
    throw statusOnly(400, "NotEmulated", "The local role table holds no descriptions, conditions or delegated managed identities.");

  const match = roleDefinitionIdPattern.exec(properties.roleDefinitionId);
  const guid = match?.[2] ?? "";
  if (!match || !isGuid(guid))
    throw statusOnly(400, "InvalidRoleDefinitionId", "roleDefinitionId is not /subscriptions/{id}/providers/Microsoft.Authorization/roleDefinitions/{guid} or its tenant form.");
  if (match[1] !== undefined && match[1].toLowerCase() !== subscriptionId.toLowerCase())
    throw statusOnly(400, "InvalidRoleDefinitionId", "roleDefinitionId names another subscription.");
  // ARM's status and wording for an assignment to a role that does not exist are not public (arm-rbac.md §7.3).
  if (!builtInRoles.some((role) => role.id === roleDefinitionGuid(guid)))
    throw statusOnly(400, "RoleDefinitionDoesNotExist", "roleDefinitionId names no built-in role the local stack knows.");
  return {
    roleDefinitionGuid: roleDefinitionGuid(guid),
    principalId: properties.principalId,
    principalType: properties.principalType ?? "User",
  };
}
