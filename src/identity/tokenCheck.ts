// A token that fails its own checks is not used: one issued for another audience than the one asked for,
// or one that has already expired. The credential that handed it out is replaced (its cache goes with it),
// so the next request asks the identity endpoint again instead of serving the bad token until a restart.
import type { AccessToken } from "@azure/core-auth";
import { isGuid } from "../shared/guid.js";
import { decodeTokenClaims } from "./tokenClaims.js";

/** Our own verdict on a token the identity endpoint handed out (not an Azure error). */
export class TokenRejectedError extends Error {
  override readonly name = "TokenRejectedError";
  constructor(
    readonly code: "TokenAudienceMismatch" | "TokenExpired",
    message: string,
  ) {
    super(message);
  }
}

/** The audience a scope asks for: `https://storage.azure.com/.default` → `https://storage.azure.com`. */
export function audienceOfScope(scope: string): string {
  return scope.replace(/\/\.default$/, "");
}

const withoutSlash = (value: string): string => value.replace(/\/+$/, "");

/** Why `token` must not be used for `audience`, or undefined when it may. Opaque (non-JWT) tokens pass. */
export function rejectToken(token: AccessToken, audience: string, now: number): TokenRejectedError | undefined {
  if (token.expiresOnTimestamp <= now) {
    return new TokenRejectedError(
      "TokenExpired",
      `The identity endpoint handed out a token that expired at ${new Date(token.expiresOnTimestamp).toISOString()}.`,
    );
  }
  const claimed = decodeTokenClaims(token.token)?.audience;
  // Entra puts the resource asked for in `aud`, or the resource's application ID (a GUID) in v2 tokens: where
  // either side is a GUID the two cannot be compared here.
  const isComparable = claimed !== undefined && !isGuid(claimed) && !isGuid(audience);
  if (isComparable && withoutSlash(claimed) !== withoutSlash(audience)) {
    return new TokenRejectedError(
      "TokenAudienceMismatch",
      `The identity endpoint handed out a token for ${withoutSlash(claimed)} when ${audience} was asked for.`,
    );
  }
  return undefined;
}
