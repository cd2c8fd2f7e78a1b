// One credential per identity for the whole process. A credential per request would defeat the token
// cache and hammer the identity endpoint; the app's own identity is the shared DefaultAzureCredential
// (AZURE_CLIENT_ID selects a user-assigned identity, as @azure/identity documents), and each extra
// identity of IDENTITY_PROBE_IDENTITIES gets one ManagedIdentityCredential.
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import type { IdentitySelector } from "../config.js";

export interface ProbedIdentity {
  readonly selector: IdentitySelector;
  readonly credential: TokenCredential;
}

let appCredential: TokenCredential | undefined;
const identityCredentials = new Map<string, TokenCredential>();

/** The app's shared credential, used by every service call. */
export function getAppCredential(appClientId: string | undefined): TokenCredential {
  appCredential ??= new DefaultAzureCredential(appClientId ? { managedIdentityClientId: appClientId } : {});
  return appCredential;
}

export function getProbedIdentities(identities: readonly IdentitySelector[], appClientId: string | undefined): ProbedIdentity[] {
  return identities.map((selector) => {
    if (selector.isAppIdentity) return { selector, credential: getAppCredential(appClientId) };
    const key = selector.clientId ?? "system";
    let credential = identityCredentials.get(key);
    if (!credential) {
      credential = selector.clientId ? new ManagedIdentityCredential({ clientId: selector.clientId }) : new ManagedIdentityCredential();
      identityCredentials.set(key, credential);
    }
    return { selector, credential };
  });
}
