// Bearer-token verification for the local emulators, as an Entra-protected service does it: the
// signature against the identity endpoint's JWKS, the issuer, the audience and the lifetime. Any failure
// is a 401; authorization (roles) is the caller's next step and a 403.
import { createRemoteJWKSet, jwtVerify, errors, type JWTPayload } from "jose";

export const entraClockSkewSeconds = 300;

export interface EntraTokenVerifierOptions {
  readonly jwksUrl: string;
  readonly issuer: string;
  /** Accepted audiences, e.g. ["https://webpubsub.azure.com"]. */
  readonly audiences: readonly string[];
  /** Allowed clock skew in seconds; by default Entra-protected services' 5 minutes. */
  readonly clockToleranceSeconds?: number;
}

export interface VerifiedCaller {
  readonly objectId: string;
  readonly tenantId: string | undefined;
  readonly appId: string | undefined;
  readonly claims: JWTPayload;
}

export type VerificationResult =
  | { readonly ok: true; readonly caller: VerifiedCaller }
  | {
      readonly ok: false;
      readonly reason: "missing" | "malformed" | "expired" | "audience" | "issuer" | "signature" | "invalid";
      readonly message: string;
      /**
       * The token's claims when only a claim failed (expired, audience): its signature was verified first, so
       * the claims are the issuer's and a service may quote them (ARM names the token's audience and expiry).
       */
      readonly claims?: JWTPayload;
    };

export interface EntraTokenVerifier {
  verifyAuthorizationHeader(header: string | undefined): Promise<VerificationResult>;
  verifyToken(token: string): Promise<VerificationResult>;
}

export function createEntraTokenVerifier(options: EntraTokenVerifierOptions): EntraTokenVerifier {
  // jose caches the key set and refetches on an unknown kid, with its own timeout on the fetch.
  const keySet = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 1_000 });
  const audiences = options.audiences.flatMap((audience) => [audience, audience.endsWith("/") ? audience.slice(0, -1) : `${audience}/`]);

  async function verifyToken(token: string): Promise<VerificationResult> {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: options.issuer,
        audience: audiences,
        algorithms: ["RS256"],
        // Microsoft.IdentityModel's TokenValidationParameters.DefaultClockSkew: "300 seconds (5 minutes)", which
        // Entra-protected services validate tokens with.
        clockTolerance: options.clockToleranceSeconds ?? entraClockSkewSeconds,
        requiredClaims: ["exp", "nbf", "iat", "oid"],
      });
      return {
        ok: true,
        caller: {
          objectId: String(payload.oid),
          tenantId: typeof payload.tid === "string" ? payload.tid : undefined,
          appId: typeof payload.appid === "string" ? payload.appid : undefined,
          claims: payload,
        },
      };
    } catch (error) {
      // Messages name what is wrong without echoing the token.
      // jose checks the signature before any claim, so a claim error carries verified claims.
      if (error instanceof errors.JWTExpired)
        return { ok: false, reason: "expired", message: "The access token has expired.", claims: error.payload };
      if (error instanceof errors.JWTClaimValidationFailed) {
        if (error.claim === "aud")
          return {
            ok: false,
            reason: "audience",
            message: `The access token audience is invalid; expected ${options.audiences.join(" or ")}.`,
            claims: error.payload,
          };
        if (error.claim === "iss") return { ok: false, reason: "issuer", message: "The access token issuer is invalid." };
        return { ok: false, reason: "invalid", message: `The access token claim '${error.claim}' is invalid.` };
      }
      if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
        return { ok: false, reason: "signature", message: "The access token signature is invalid." };
      }
      if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
        return { ok: false, reason: "malformed", message: "The access token is malformed." };
      return { ok: false, reason: "invalid", message: "The access token could not be validated." };
    }
  }

  return {
    verifyToken,
    async verifyAuthorizationHeader(header) {
      if (!header) return { ok: false, reason: "missing", message: "The request has no Authorization header." };
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      if (!match?.[1]) return { ok: false, reason: "malformed", message: "The Authorization header is not a Bearer token." };
      return verifyToken(match[1]);
    },
  };
}
