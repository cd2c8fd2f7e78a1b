// One credential per identity for the whole process. A credential per request would defeat the token
// cache and hammer the identity endpoint; the app's own identity is DefaultAzureCredential's chain (built in
// credentialChain.ts, so that the report can say which credential answered; AZURE_CLIENT_ID selects a
// user-assigned identity, as @azure/identity documents), and each extra identity of IDENTITY_PROBE_IDENTITIES
// gets one ManagedIdentityCredential. Every request they send to the
// identity endpoint waits for its turn at the process's one gate (identityEndpointGate.ts).
import { ManagedIdentityCredential } from "@azure/identity";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { startDeadline } from "../shared/deadline.js";
import { createSharedInFlight } from "../shared/sharedInFlight.js";
import { createIdentityEndpointGate, type IdentityEndpointGate, type IdentityEndpointLimits } from "./identityEndpointGate.js";
import { forceManagedIdentityToken } from "./managedIdentityRefresh.js";
import { createFailureMemory } from "./rememberedFailure.js";
import { audienceOfScope, rejectToken, TokenRejectedError } from "./tokenCheck.js";
import { parseRetryAfter, tokenRequestContext, type TokenRequestContext } from "./tokenRequestContext.js";
import type { IdentitySelector, ManagedIdentityEnvironment } from "../config.js";
import { createDefaultCredentialChain, type ChainOutcome, type CredentialChain } from "./credentialChain.js";

/** A credential that shares concurrent requests, remembers failures, and can say where its request stands. */
export interface ProbedCredential extends TokenCredential {
  /** While a token request for `scope` is in flight: held back by the endpoint's limits (`waiting`) or `sent`. */
  requestState(scope: string): "waiting" | "sent" | undefined;
  /** Which credential answers: of the app's chain, as it last went; a single credential's own name. */
  outcome(): ChainOutcome;
}

export interface ProbedIdentity {
  readonly selector: IdentitySelector;
  readonly credential: ProbedCredential;
}

/**
 * A token request ends even for a caller without an abort signal: every caller of ours brings a deadline,
 * but a path through an SDK that does not must not wait on a hung identity endpoint forever.
 */
const unboundedRequestDeadlineMs = 60_000;

/** A held token is renewed this long before it expires when the credential gives no refresh time (msal-node: 5 minutes). */
const tokenRenewalMarginMs = 5 * 60_000;

export interface ProbedCredentialOptions {
  /** Asks the endpoint past the token cache, after a token failed its own checks. */
  readonly refresh?: (scope: string) => Promise<AccessToken>;
  /** The process's identity-endpoint gate: a forced refresh waits for its turn there too. */
  readonly gate?: IdentityEndpointGate;
  /** How long a failed token request is answered from memory when the endpoint sent no Retry-After. */
  readonly failureMemoryMs?: number;
  readonly clock?: () => number;
}

/**
 * The credential every check and SDK client of one identity uses. Concurrent getToken calls for the same
 * scopes share one request: MSAL caches tokens but does not merge concurrent acquisitions, and the SDK
 * clients' bearer policies and the probe ask at the same moment. A token that fails its own checks (another
 * audience, already expired) is refused, and the next request for that scope goes past the token cache
 * (`refresh`), so a bad token is not served again until it expires. A failed request is remembered
 * (rememberedFailure.ts): until it may be asked again, every caller gets the same answer without a request.
 */
export function createProbedCredential(
  credential: TokenCredential | CredentialChain,
  options: ProbedCredentialOptions = {},
): ProbedCredential {
  const clock = options.clock ?? Date.now;
  const inFlight = createSharedInFlight<AccessToken | null>();
  const failures = createFailureMemory(options.failureMemoryMs ?? 0);
  /** Scopes whose last token was refused: the next request must not come from the cache. */
  const refused = new Set<string>();
  /** The request context of each shared request in flight, by key. */
  const requests = new Map<string, TokenRequestContext>();
  /**
   * The last good token per key, given again until the credential would renew it (its refreshAfterTimestamp,
   * else 5 minutes before it expires — what the SDK clients' bearer policy does too): a report served hundreds of
   * times a second need not walk DefaultAzureCredential's chain and msal-node's cache each time.
   */
  const tokens = new Map<string, AccessToken>();

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
    context: TokenRequestContext | undefined,
  ): Promise<AccessToken | null> {
    const { refresh, gate } = options;
    if (scope && refused.has(scope) && refresh) {
      // msal-node sends the forced request with its own HTTP client: it takes its turn here as one request.
      const renew = (): Promise<AccessToken> => refresh(scope);
      const token =
        gate && context
          ? await gate.run(renew, { abortSignal: context.abortSignal, onStart: () => (context.state = "sent") })
          : await renew();
      return checked(token, scope);
    }
    return checked(await credential.getToken(scopes, requestOptions), scope);
  }

  return {
    getToken(scopes: string | string[], getTokenOptions?: GetTokenOptions) {
      const scope = Array.isArray(scopes) ? scopes[0] : scopes;
      // Calls that change what is asked for (claims challenges, another tenant) are not shared.
      if (getTokenOptions?.claims || getTokenOptions?.tenantId) return fetchToken(scopes, scope, getTokenOptions, undefined);
      const key = (Array.isArray(scopes) ? scopes : [scopes]).join(" ");
      const now = clock();
      const held = tokens.get(key);
      if (held && now < (held.refreshAfterTimestamp ?? held.expiresOnTimestamp - tokenRenewalMarginMs) && !(scope && refused.has(scope)))
        return Promise.resolve(held);
      const remembered = failures.recall(key, now);
      if (remembered) return Promise.reject(remembered.recalled());
      // The SDK clients' bearer policy always asks with enableCae and the probe does not; MSAL would keep
      // (and fetch) one token for each. One request, one cached token per identity and audience instead.
      // The request runs while any caller still waits for it, and is abandoned when the last one gives up.
      return inFlight.run(
        key,
        async (signal) => {
          const deadline = startDeadline(unboundedRequestDeadlineMs, signal);
          const context: TokenRequestContext = { abortSignal: deadline.signal, state: "preparing", retryAfterSeconds: undefined };
          requests.set(key, context);
          try {
            const token = await tokenRequestContext.run(context, () =>
              fetchToken(scopes, scope, { ...getTokenOptions, enableCae: false, abortSignal: context.abortSignal }, context),
            );
            failures.forget(key);
            if (token) tokens.set(key, token);
            else tokens.delete(key);
            return token;
          } catch (error) {
            // Nobody waits for an abandoned request: its failure says nothing about the endpoint. A token that
            // failed our own checks was dropped, and the next request replaces it (past the cache) at once.
            tokens.delete(key);
            if (signal.aborted || error instanceof TokenRejectedError) throw error;
            throw failures.remember(key, error, { now: clock(), retryAfterSeconds: context.retryAfterSeconds });
          } finally {
            deadline.dispose();
            if (requests.get(key) === context) requests.delete(key);
          }
        },
        { abortSignal: getTokenOptions?.abortSignal },
      );
    },
    requestState(scope) {
      const state = requests.get(scope)?.state;
      return state === "waiting" || state === "sent" ? state : undefined;
    },
    outcome() {
      return "outcome" in credential
        ? credential.outcome()
        : { answeredBy: credential.constructor.name, failures: undefined, last: undefined };
    },
  };
}

/** A request's own signal (rarely set by the SDK on these requests) together with the caller's. */
function bothSignals(own: PipelineRequest["abortSignal"], caller: AbortSignal): AbortSignal {
  if (!own) return caller;
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (own.aborted || caller.aborted) abort();
  own.addEventListener("abort", abort, { once: true });
  caller.addEventListener("abort", abort, { once: true });
  return controller.signal;
}

/**
 * The HTTP client of the managed identity credentials: each request waits for its turn at the gate, carries
 * the caller's deadline (@azure/identity 4.14 sends these requests with no timeout and without getToken's
 * abort signal), and hands the answer's Retry-After back to the token request. It goes into the HTTP client
 * because ManagedIdentityCredential replaces `additionalPolicies` with its own retry policy.
 */
export function gatedHttpClient(
  gate: IdentityEndpointGate,
  requestTimeoutMs: number,
  client: HttpClient = createDefaultHttpClient(),
): HttpClient {
  return {
    sendRequest(request: PipelineRequest) {
      if (!request.timeout) request.timeout = requestTimeoutMs;
      const context = tokenRequestContext.getStore();
      if (context) context.state = "waiting";
      return gate.run(
        async (signal) => {
          request.abortSignal = bothSignals(request.abortSignal, signal);
          const response = await client.sendRequest(request);
          if (context) context.retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
          return response;
        },
        {
          abortSignal: context?.abortSignal ?? AbortSignal.timeout(unboundedRequestDeadlineMs),
          onStart: () => {
            if (context) context.state = "sent";
          },
        },
      );
    },
  };
}

/**
 * One quick retry instead of the SDK's default (up to 5, with backoff from 800 ms): a probe must see a
 * failing identity endpoint as a failure within its deadline, not as a timeout 20 seconds later; a failed
 * token request is remembered and asked again after its Retry-After or the failure memory.
 */
function credentialOptions(settings: CredentialSettings) {
  return {
    retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 },
    httpClient: gatedHttpClient(getIdentityEndpointGate(settings.limits), settings.requestTimeoutMs),
  };
}

/** The other credentials of the chain talk to Microsoft Entra ID (or run a CLI), not to the identity endpoint: a deadline only. */
function timedHttpClient(requestTimeoutMs: number, client: HttpClient = createDefaultHttpClient()): HttpClient {
  return {
    sendRequest(request: PipelineRequest) {
      if (!request.timeout) request.timeout = requestTimeoutMs;
      return client.sendRequest(request);
    },
  };
}

export interface CredentialSettings {
  readonly appClientId: string | undefined;
  /** The deadline of one request to the identity endpoint: the check's own. */
  readonly requestTimeoutMs: number;
  /** How many requests the process sends to the identity endpoint at once and per second. */
  readonly limits: IdentityEndpointLimits;
  /** How long a failed token request is answered from memory (when the endpoint sent no Retry-After). */
  readonly failureMemoryMs: number;
  /** AZURE_TOKEN_CREDENTIALS, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE: how DefaultAzureCredential's chain is built. */
  readonly managedIdentity: Pick<ManagedIdentityEnvironment, "tokenCredentials" | "tenantId" | "federatedTokenFile">;
}

let processGate: IdentityEndpointGate | undefined;
let appCredential: ProbedCredential | undefined;
const identityCredentials = new Map<string, ProbedCredential>();

/** The process's one gate to the identity endpoint (IMDS's limits are per machine, so one per process at most). */
export function getIdentityEndpointGate(limits: IdentityEndpointLimits): IdentityEndpointGate {
  processGate ??= createIdentityEndpointGate(limits);
  return processGate;
}

/** The app's shared credential, used by every service call. */
export function getAppCredential(settings: CredentialSettings): ProbedCredential {
  const { appClientId } = settings;
  appCredential ??= createProbedCredential(
    createDefaultCredentialChain({
      tokenCredentials: settings.managedIdentity.tokenCredentials,
      managedIdentityClientId: appClientId,
      tenantId: settings.managedIdentity.tenantId,
      federatedTokenFile: settings.managedIdentity.federatedTokenFile,
      managedIdentityOptions: credentialOptions(settings),
      options: { retryOptions: credentialOptions(settings).retryOptions, httpClient: timedHttpClient(settings.requestTimeoutMs) },
    }),
    // Where the token comes from a managed identity, a refused one is replaced past msal-node's cache; where it
    // comes from a developer sign-in (no identity endpoint answers), the next request asks the chain again.
    {
      refresh: (scope) => forceManagedIdentityToken(appClientId, scope),
      gate: getIdentityEndpointGate(settings.limits),
      failureMemoryMs: settings.failureMemoryMs,
    },
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
          ...credentialOptions(settings),
          ...(selector.clientId ? { clientId: selector.clientId } : {}),
        }),
        {
          refresh: (scope) => forceManagedIdentityToken(selector.clientId, scope),
          gate: getIdentityEndpointGate(settings.limits),
          failureMemoryMs: settings.failureMemoryMs,
        },
      );
      identityCredentials.set(key, credential);
    }
    return { selector, credential };
  });
}
