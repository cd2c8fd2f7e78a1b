// One credential per identity for the whole process. A credential per request would defeat the token
// cache and hammer the identity endpoint; the app's own identity is the shared DefaultAzureCredential
// (AZURE_CLIENT_ID selects a user-assigned identity, as @azure/identity documents), and each extra
// identity of IDENTITY_PROBE_IDENTITIES gets one ManagedIdentityCredential.
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { createSharedInFlight } from "../shared/sharedInFlight.js";
import type { IdentitySelector } from "../config.js";

export interface ProbedIdentity {
  readonly selector: IdentitySelector;
  readonly credential: TokenCredential;
}

/**
 * A token request ends even for a caller without an abort signal: every caller of ours brings a deadline,
 * but a path through an SDK that does not must not wait on a hung identity endpoint forever.
 */
const unboundedRequestDeadlineMs = 60_000;

/**
 * Concurrent getToken calls for the same scopes share one request. MSAL caches tokens but does not merge
 * concurrent acquisitions, and the SDK clients' bearer policies and the probe ask at the same moment.
 */
export function shareTokenRequests(credential: TokenCredential): TokenCredential {
  const inFlight = createSharedInFlight<AccessToken | null>();
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions) {
      const scopeList = Array.isArray(scopes) ? scopes : [scopes];
      // Calls that change what is asked for (claims challenges, another tenant) are not shared.
      if (options?.claims || options?.tenantId) return credential.getToken(scopes, options);
      // The SDK clients' bearer policy always asks with enableCae and the probe does not; MSAL would keep
      // (and fetch) one token for each. One request, one cached token per identity and audience instead.
      // The request runs while any caller still waits for it, and is abandoned when the last one gives up.
      return inFlight.run(
        scopeList.join(" "),
        (signal) =>
          credential.getToken(scopes, {
            ...options,
            enableCae: false,
            abortSignal: AbortSignal.any([signal, AbortSignal.timeout(unboundedRequestDeadlineMs)]),
          }),
        { abortSignal: options?.abortSignal },
      );
    },
  };
}

/**
 * One quick retry instead of the SDK's default (up to 5, with backoff from 800 ms): a probe must see a
 * failing identity endpoint as a failure within its deadline, not as a timeout 20 seconds later, and a
 * failed token request is asked again by the next call anyway.
 */
const credentialOptions = { retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 } };

let appCredential: TokenCredential | undefined;
const identityCredentials = new Map<string, TokenCredential>();

/** The app's shared credential, used by every service call. */
export function getAppCredential(appClientId: string | undefined): TokenCredential {
  appCredential ??= shareTokenRequests(
    new DefaultAzureCredential({ ...credentialOptions, ...(appClientId ? { managedIdentityClientId: appClientId } : {}) }),
  );
  return appCredential;
}

export function getProbedIdentities(identities: readonly IdentitySelector[], appClientId: string | undefined): ProbedIdentity[] {
  return identities.map((selector) => {
    if (selector.isAppIdentity) return { selector, credential: getAppCredential(appClientId) };
    const key = selector.clientId ?? "system";
    let credential = identityCredentials.get(key);
    if (!credential) {
      credential = shareTokenRequests(
        new ManagedIdentityCredential({ ...credentialOptions, ...(selector.clientId ? { clientId: selector.clientId } : {}) }),
      );
      identityCredentials.set(key, credential);
    }
    return { selector, credential };
  });
}
