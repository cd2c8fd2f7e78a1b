// Asks an identity's credential for a token and reports what a person debugging identity needs: when it
// expires, where it came from, and whose it is. The token itself never leaves this module.
import { createHash } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { scopeFor, type Audience } from "./audienceCatalog.js";
import { decodeTokenClaims, type TokenClaims } from "./tokenClaims.js";

export interface TokenProbeResult {
  readonly expiresOn: Date;
  /** `cache`: the credential answered with a token it already had; `endpoint`: a new token. */
  readonly tokenSource: "cache" | "endpoint";
  readonly claims: TokenClaims | undefined;
}

export interface TokenProber {
  /** Asks `credential` (one that shares concurrent requests) for a token; gives up when `abortSignal` aborts. */
  probe(
    identityName: string,
    credential: TokenCredential,
    audience: Audience,
    options: { abortSignal: AbortSignal },
  ): Promise<TokenProbeResult>;
}

/** What a token says, read once per token the credential hands out (the same object while it is cached). */
const described = new WeakMap<AccessToken, { readonly fingerprint: string; readonly claims: TokenClaims | undefined }>();

function describe(token: AccessToken): { readonly fingerprint: string; readonly claims: TokenClaims | undefined } {
  let description = described.get(token);
  if (!description) {
    description = {
      fingerprint: createHash("sha256").update(token.token).digest("base64url").slice(0, 16),
      claims: decodeTokenClaims(token.token),
    };
    described.set(token, description);
  }
  return description;
}

export function createTokenProber(): TokenProber {
  // Fingerprints, not tokens: enough to tell a cached token from a new one.
  const lastFingerprint = new Map<string, string>();

  return {
    async probe(identityName, credential, audience, { abortSignal }) {
      const key = `${identityName}\n${audience.resource}`;
      const token = await credential.getToken(scopeFor(audience), { abortSignal });
      if (!token) throw new Error(`The credential returned no token for ${audience.resource}.`);
      const { fingerprint, claims } = describe(token);
      const tokenSource = lastFingerprint.get(key) === fingerprint ? "cache" : "endpoint";
      lastFingerprint.set(key, fingerprint);
      return { expiresOn: new Date(token.expiresOnTimestamp), tokenSource, claims };
    },
  };
}
