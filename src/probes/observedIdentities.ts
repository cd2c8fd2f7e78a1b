// What this process has learnt about each probed identity from its tokens: who it is (object and tenant
// ID, for the report's identity block and for remediation that names the principal) and when it first got
// a token. Diagnostics only; nothing here is a token.
import type { TokenClaims } from "../identity/tokenClaims.js";
import type { ReportIdentity } from "../shared/healthReport.js";

export interface ObservedIdentities {
  recordToken(
    identity: { readonly name: string; readonly clientId: string | undefined },
    claims: TokenClaims | undefined,
    at: number,
  ): void;
  /** The identity as its first token described it, if it has had one. */
  describe(name: string): ReportIdentity | undefined;
  /** When this process first got a token for the identity. */
  firstTokenAt(name: string): number | undefined;
}

export function createObservedIdentities(): ObservedIdentities {
  const firstToken = new Map<string, number>();
  const described = new Map<string, ReportIdentity>();
  return {
    recordToken({ name, clientId }, claims, at) {
      if (!firstToken.has(name)) firstToken.set(name, at);
      if (!claims || described.has(name)) return;
      const knownClientId = clientId ?? claims.appId;
      described.set(name, {
        name,
        ...(knownClientId ? { clientId: knownClientId } : {}),
        ...(claims.objectId ? { objectId: claims.objectId } : {}),
        ...(claims.tenantId ? { tenantId: claims.tenantId } : {}),
        ...(claims.identityResourceId ? { resourceId: claims.identityResourceId } : {}),
      });
    },
    describe: (name) => described.get(name),
    firstTokenAt: (name) => firstToken.get(name),
  };
}
