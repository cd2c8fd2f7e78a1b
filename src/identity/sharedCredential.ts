// One credential per identity for the whole process. A credential per request would defeat the token
// cache and hammer the identity endpoint; the app's own identity is the shared DefaultAzureCredential
// (AZURE_CLIENT_ID selects a user-assigned identity, as @azure/identity documents), and each extra
// identity of IDENTITY_PROBE_IDENTITIES gets one ManagedIdentityCredential.
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { createSharedInFlight } from "../shared/sharedInFlight.js";
import { forceManagedIdentityToken } from "./managedIdentityRefresh.js";
import { audienceOfScope, rejectToken } from "./tokenCheck.js";
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
 * The credential every check and SDK client of one identity uses. Concurrent getToken calls for the same
 * scopes share one request: MSAL caches tokens but does not merge concurrent acquisitions, and the SDK
 * clients' bearer policies and the probe ask at the same moment. A token that fails its own checks (another
 * audience, already expired) is refused, and the next request for that scope goes past the token cache
 * (`refresh`), so a bad token is not served again until it expires.
 */
export function createProbedCredential(
  credential: TokenCredential,
  options: { readonly refresh?: (scope: string) => Promise<AccessToken>; readonly clock?: () => number } = {},
): TokenCredential {
  const clock = options.clock ?? Date.now;
  const inFlight = createSharedInFlight<AccessToken | null>();
  /** Scopes whose last token was refused: the next request must not come from the cache. */
  const refused = new Set<string>();

  function checked(token: AccessToken | null, scope: string | undefined): AccessToken | null {
    const rejection = token && scope ? rejectToken(token, audienceOfScope(scope), clock()) : undefined;
    if (!rejection) {
      if (scope) refused.delete(scope);
      return token;
    }
    if (scope) refused.add(scope);
    throw rejection;
  }

  async function fetchToken(
    scopes: string | string[],
    scope: string | undefined,
    requestOptions: GetTokenOptions | undefined,
  ): Promise<AccessToken | null> {
    if (scope && refused.has(scope) && options.refresh) return checked(await options.refresh(scope), scope);
    return checked(await credential.getToken(scopes, requestOptions), scope);
  }

  return {
    getToken(scopes: string | string[], getTokenOptions?: GetTokenOptions) {
      const scope = Array.isArray(scopes) ? scopes[0] : scopes;
      // Calls that change what is asked for (claims challenges, another tenant) are not shared.
      if (getTokenOptions?.claims || getTokenOptions?.tenantId) return fetchToken(scopes, scope, getTokenOptions);
      const scopeList = Array.isArray(scopes) ? scopes : [scopes];
      // The SDK clients' bearer policy always asks with enableCae and the probe does not; MSAL would keep
      // (and fetch) one token for each. One request, one cached token per identity and audience instead.
      // The request runs while any caller still waits for it, and is abandoned when the last one gives up.
      return inFlight.run(
        scopeList.join(" "),
        (signal) =>
          fetchToken(scopes, scope, {
            ...getTokenOptions,
            enableCae: false,
            abortSignal: AbortSignal.any([signal, AbortSignal.timeout(unboundedRequestDeadlineMs)]),
          }),
        { abortSignal: getTokenOptions?.abortSignal },
      );
    },
  };
}

/**
 * One quick retry instead of the SDK's default (up to 5, with backoff from 800 ms): a probe must see a
 * failing identity endpoint as a failure within its deadline, not as a timeout 20 seconds later, and a
 * failed token request is asked again by the next call anyway. And a deadline on every request to the
 * endpoint: @azure/identity 4.14 sends them with no timeout and does not pass getToken's abort signal on, so
 * a hung endpoint would otherwise hold a request (and its socket) open forever. It goes into the HTTP client
 * because ManagedIdentityCredential replaces `additionalPolicies` with its own retry policy.
 */
function credentialOptions(requestTimeoutMs: number) {
  const client = createDefaultHttpClient();
  const httpClient: HttpClient = {
    sendRequest(request) {
      if (!request.timeout) request.timeout = requestTimeoutMs;
      return client.sendRequest(request);
    },
  };
  return { retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 }, httpClient };
}

export interface CredentialSettings {
  readonly appClientId: string | undefined;
  /** The deadline of one request to the identity endpoint: the check's own. */
  readonly requestTimeoutMs: number;
}

let appCredential: TokenCredential | undefined;
const identityCredentials = new Map<string, TokenCredential>();

/** The app's shared credential, used by every service call. */
export function getAppCredential({ appClientId, requestTimeoutMs }: CredentialSettings): TokenCredential {
  appCredential ??= createProbedCredential(
    new DefaultAzureCredential({
      ...credentialOptions(requestTimeoutMs),
      ...(appClientId ? { managedIdentityClientId: appClientId } : {}),
    }),
    // Where the token comes from a managed identity, a refused one is replaced past msal-node's cache; where it
    // comes from a developer sign-in (no identity endpoint answers), the next request asks the chain again.
    { refresh: (scope) => forceManagedIdentityToken(appClientId, scope) },
  );
  return appCredential;
}

export function getProbedIdentities(identities: readonly IdentitySelector[], settings: CredentialSettings): ProbedIdentity[] {
  return identities.map((selector) => {
    if (selector.isAppIdentity) return { selector, credential: getAppCredential(settings) };
    const key = selector.clientId ?? "system";
    let credential = identityCredentials.get(key);
    if (!credential) {
      credential = createProbedCredential(
        new ManagedIdentityCredential({
          ...credentialOptions(settings.requestTimeoutMs),
          ...(selector.clientId ? { clientId: selector.clientId } : {}),
        }),
        { refresh: (scope) => forceManagedIdentityToken(selector.clientId, scope) },
      );
      identityCredentials.set(key, credential);
    }
    return { selector, credential };
  });
}
