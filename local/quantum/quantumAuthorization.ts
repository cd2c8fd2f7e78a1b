// Who may call which Quantum data-plane operation. Authentication is an Entra bearer token for
// https://quantum.microsoft.com (spec securityDefinitions.AzureEntraAuth), verified against the local identity
// endpoint's JWKS: any failure is a 401 with a Bearer challenge. Authorization is Azure RBAC on the workspace
// by principal object ID, with the built-in roles' data actions:
// - Quantum Workspace Data Contributor (c1410b24-3e69-4857-8f86-4d0a2e603250): dataActions
//   `Microsoft.Quantum/Workspaces/jobs/read`, `Microsoft.Quantum/Workspaces/jobs/write`;
// - Contributor and Owner (`*`): the documented grant for submitting jobs before the data role became required;
// - Reader (`*/read`): reads jobs and provider status, submits nothing.
// A principal without the action gets a 403 naming the action it lacks and the role that grants it.
import type { IncomingHttpHeaders } from "node:http";
import type { JWTPayload } from "jose";
import { createEntraTokenVerifier } from "../entraTokenVerifier.js";
import { defaultPrivilegedObjectIds } from "../identity/localIdentities.js";
import { QuantumServiceError } from "./quantumServiceError.js";

export const quantumAudience = "https://quantum.microsoft.com";
export const quantumDataContributorRole = "Quantum Workspace Data Contributor";

export type QuantumDataAction = "Microsoft.Quantum/Workspaces/jobs/read" | "Microsoft.Quantum/Workspaces/jobs/write";

const roleDataActions: Readonly<Record<string, readonly QuantumDataAction[]>> = {
  [quantumDataContributorRole]: ["Microsoft.Quantum/Workspaces/jobs/read", "Microsoft.Quantum/Workspaces/jobs/write"],
  Contributor: ["Microsoft.Quantum/Workspaces/jobs/read", "Microsoft.Quantum/Workspaces/jobs/write"],
  Owner: ["Microsoft.Quantum/Workspaces/jobs/read", "Microsoft.Quantum/Workspaces/jobs/write"],
  Reader: ["Microsoft.Quantum/Workspaces/jobs/read"],
};
export const quantumRoleNames = Object.keys(roleDataActions) as readonly string[];

export interface QuantumCaller {
  readonly objectId: string;
  /** spec: CreatedByType. */
  readonly principalType: "ManagedIdentity" | "Application" | "User";
}

export interface QuantumAuthorization {
  /** The verified caller, or a thrown 401. */
  authenticate(headers: IncomingHttpHeaders): Promise<QuantumCaller>;
  /** A thrown 403 unless a role assigned to the caller grants the action. */
  authorize(caller: QuantumCaller, action: QuantumDataAction): void;
  setRoleAssignments(objectId: string, roles: readonly string[]): void;
}

function principalType(claims: JWTPayload): QuantumCaller["principalType"] {
  if (typeof claims.xms_mirid === "string") return "ManagedIdentity";
  return claims.idtyp === "app" ? "Application" : "User";
}

export function createQuantumAuthorization(options: {
  jwksUrl: string;
  issuer: string;
  tenantId: string;
  workspaceId: string;
  roleAssignments?: ReadonlyMap<string, readonly string[]>;
}): QuantumAuthorization {
  const verifier = createEntraTokenVerifier({ jwksUrl: options.jwksUrl, issuer: options.issuer, audiences: [quantumAudience] });
  const assignments = new Map<string, readonly string[]>(
    options.roleAssignments ?? defaultPrivilegedObjectIds.map((objectId) => [objectId, [quantumDataContributorRole]] as const),
  );
  // RFC 6750 challenge, as Entra-protected services send it; no token material in it.
  const challenge = `Bearer authorization_uri="https://login.microsoftonline.com/${options.tenantId}/oauth2/authorize", error="invalid_token"`;

  return {
    async authenticate(headers) {
      const result = await verifier.verifyAuthorizationHeader(headers.authorization);
      if (!result.ok) throw new QuantumServiceError(401, "Unauthorized", result.message, { headers: { "www-authenticate": challenge } });
      return { objectId: result.caller.objectId, principalType: principalType(result.caller.claims) };
    },
    authorize(caller, action) {
      const roles = assignments.get(caller.objectId) ?? [];
      if (roles.some((role) => roleDataActions[role]?.includes(action))) return;
      throw new QuantumServiceError(
        403,
        "InsufficientPermissions",
        `The principal '${caller.objectId}' does not have permission '${action}' on the Quantum workspace '${options.workspaceId}'. ` +
          `Assign it the '${quantumDataContributorRole}' role on the workspace; new role assignments can take up to 30 minutes to apply.`,
      );
    },
    setRoleAssignments(objectId, roles) {
      const unknown = roles.filter((role) => !(role in roleDataActions));
      if (unknown.length > 0) throw new TypeError(`Unknown Quantum role(s): ${unknown.join(", ")} (known: ${quantumRoleNames.join(", ")})`);
      assignments.set(objectId, [...roles]);
    },
  };
}
