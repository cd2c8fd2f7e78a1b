// Token claims for diagnostics only: which principal, tenant and identity resource a token speaks for.
// Never verification (the resource verifies), never logged, never the token itself.
import { decodeJwt } from "jose";

export interface TokenClaims {
  readonly objectId: string | undefined;
  readonly tenantId: string | undefined;
  readonly appId: string | undefined;
  readonly identityResourceId: string | undefined;
  readonly audience: string | undefined;
  readonly expiresAt: Date | undefined;
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 && value.length < 1024 ? value : undefined;
}

export function decodeTokenClaims(token: string): TokenClaims | undefined {
  try {
    const claims = decodeJwt(token);
    const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    return {
      objectId: stringClaim(claims.oid),
      tenantId: stringClaim(claims.tid),
      appId: stringClaim(claims.appid) ?? stringClaim(claims.azp),
      identityResourceId: stringClaim(claims.xms_mirid),
      audience: stringClaim(audience),
      expiresAt: typeof claims.exp === "number" ? new Date(claims.exp * 1000) : undefined,
    };
  } catch {
    // Opaque (non-JWT) tokens exist; they simply carry no diagnostics.
    return undefined;
  }
}
