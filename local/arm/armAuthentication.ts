// Who is calling ARM: an Entra bearer token verified against the local identity endpoint's keys, for one of the
// audiences ARM accepts — exactly those its InvalidAuthenticationTokenAudience message lists
// (hashicorp/go-azure-helpers#51): https://management.core.windows.net[/] and https://management.azure.com[/].
// A missing header, a wrong audience and an expired token are answered in ARM's words; every other failure (bad
// signature, malformed token, other issuer or tenant) with 401 alone, the reason kept in the refusal log.
import type { IncomingHttpHeaders } from "node:http";
import { createEntraTokenVerifier } from "../entraTokenVerifier.js";
import { statusOnly } from "./armError.js";
import { authorizationHeaderMissing, expiredToken, invalidTokenAudience } from "./armErrors.js";

/** The verifier accepts each with and without its trailing slash. */
export const armAudiences: readonly string[] = ["https://management.core.windows.net/", "https://management.azure.com/"];

export interface ArmCaller {
  readonly objectId: string;
}

export interface ArmAuthentication {
  /** The verified caller, or a thrown 401. */
  authenticate(headers: IncomingHttpHeaders): Promise<ArmCaller>;
}

export function createArmAuthentication(options: {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly tenantId: string;
  readonly clock?: () => number;
}): ArmAuthentication {
  const verifier = createEntraTokenVerifier({ jwksUrl: options.jwksUrl, issuer: options.issuer, audiences: armAudiences });
  const clock = options.clock ?? Date.now;
  return {
    async authenticate(headers) {
      const result = await verifier.verifyAuthorizationHeader(headers.authorization);
      if (result.ok) {
        // The issuer check already pins the tenant; a token whose tid disagrees with it is not ARM's to accept either.
        if (result.caller.tenantId?.toLowerCase() !== options.tenantId.toLowerCase())
          throw statusOnly(401, "InvalidAuthenticationTokenTenant", "The token's tenant is not the subscription's tenant.");
        return { objectId: result.caller.objectId };
      }
      if (result.reason === "missing") throw authorizationHeaderMissing();
      if (result.reason === "audience") {
        const audience = [result.claims?.aud].flat().find((value) => typeof value === "string");
        if (audience !== undefined) throw invalidTokenAudience(audience);
      }
      if (result.reason === "expired" && typeof result.claims?.exp === "number")
        throw expiredToken(new Date(result.claims.exp * 1000), new Date(clock()));
      // result.message names what is wrong without quoting the token (entraTokenVerifier.ts).
      throw statusOnly(401, "InvalidAuthenticationToken", result.message);
    },
  };
}
