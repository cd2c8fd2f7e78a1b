// Who may call which Quantum data-plane operation. Authentication is an Entra bearer token for
// https://quantum.microsoft.com (spec securityDefinitions.AzureEntraAuth), verified against the local identity
// endpoint's JWKS: any failure is a 401, whose body the service is not known to send. Authorization is Azure
// RBAC on the workspace, from the stack's role table: the data actions of Quantum Workspace Data Contributor
// (`Microsoft.Quantum/Workspaces/jobs/read`, `…/jobs/write`), and — as learn "Troubleshoot Azure Quantum"
// tells users to fix an 'Unauthorized' with Owner or Contributor on the workspace — the same names as actions
// of a control-plane role.
import type { IncomingHttpHeaders } from "node:http";
import type { JWTPayload } from "jose";
import { createEntraTokenVerifier } from "../entraTokenVerifier.js";
import type { RoleTable } from "../rbac/roleTable.js";
import { insufficientPermissions, QuantumServiceError } from "./quantumServiceError.js";

export const quantumAudience = "https://quantum.microsoft.com";
export const quantumDataContributorRole = "Quantum Workspace Data Contributor";

export type QuantumDataAction = "Microsoft.Quantum/Workspaces/jobs/read" | "Microsoft.Quantum/Workspaces/jobs/write";


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
  workspaceId: string;
  roles: RoleTable;
}): QuantumAuthorization {
  const verifier = createEntraTokenVerifier({ jwksUrl: options.jwksUrl, issuer: options.issuer, audiences: [quantumAudience] });
  return {
    async authenticate(headers) {
      const result = await verifier.verifyAuthorizationHeader(headers.authorization);
      if (!result.ok) throw new QuantumServiceError(401, "Unauthorized", result.message);
      return { objectId: result.caller.objectId, principalType: principalType(result.caller.claims) };
    },
    authorize(caller, action) {
      if (options.roles.allowsOnDataPlane(caller.objectId, options.workspaceId, action, { alsoActions: true })) return;
      throw insufficientPermissions();
    },
    setRoleAssignments: (objectId, roles) => options.roles.setRoles(objectId, options.workspaceId, roles),
  };
}
