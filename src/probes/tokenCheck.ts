// The token check of one identity and audience. When the SDK can only say "network_error" (MSAL says so
// for an unreachable endpoint and for a malformed answer alike), it asks the identity endpoint directly,
// briefly, for the same audience and identity, and reports what the endpoint really answered.
import type { Audience } from "../identity/audienceCatalog.js";
import type { callIdentityEndpoint } from "../identity/identityEndpointCheck.js";
import type { IdentityEndpointGate } from "../identity/identityEndpointGate.js";
import type { IdentityEndpointTarget } from "../identity/managedIdentityHost.js";
import type { ProbedIdentity } from "../identity/sharedCredential.js";
import type { TokenProbeResult, TokenProber } from "../identity/tokenProbe.js";
import { RememberedFailure } from "../identity/rememberedFailure.js";
import { classifyError } from "./classifyError.js";
import type { Check } from "./probeEngine.js";

/** How long a failed token check may spend asking the identity endpoint what really happened. */
const diagnosisTimeoutMs = 1_000;

export interface TokenCheckDependencies {
  readonly tokenProber: TokenProber;
  /** Where the raw identity-endpoint call goes on this host; undefined where there is none to call. */
  readonly identityEndpoint: IdentityEndpointTarget | undefined;
  readonly endpointCall: typeof callIdentityEndpoint;
  /** The process's identity-endpoint gate: the diagnosis waits for its turn like every request there. */
  readonly gate?: IdentityEndpointGate;
}

/**
 * What the endpoint really answered, by the SDK's error it explains: a remembered failure is given again with
 * its explanation, without asking the endpoint again.
 */
const explanations = new WeakMap<object, unknown>();

export function tokenCheck(dependencies: TokenCheckDependencies, identity: ProbedIdentity, audience: Audience): Check<TokenProbeResult> {
  return async (signal) => {
    try {
      return await dependencies.tokenProber.probe(identity.selector.name, identity.credential, audience, { abortSignal: signal });
    } catch (error) {
      if (error instanceof RememberedFailure && error.isRecalled) {
        const explanation = typeof error.original === "object" && error.original !== null ? explanations.get(error.original) : undefined;
        throw explanation === undefined ? error : error.explainedBy(explanation);
      }
      const { identityEndpoint } = dependencies;
      if (!identityEndpoint || classifyError(error, "identity").category !== "identity-unavailable" || signal.aborted) throw error;
      const diagnosisSignal = AbortSignal.any([signal, AbortSignal.timeout(diagnosisTimeoutMs)]);
      const diagnosis = await dependencies
        .endpointCall(identityEndpoint, {
          resource: audience.resource,
          clientId: identity.selector.clientId,
          abortSignal: diagnosisSignal,
          timeoutMs: diagnosisTimeoutMs,
          ...(dependencies.gate ? { gate: dependencies.gate } : {}),
        })
        .then(
          () => undefined,
          (rawError: unknown) => rawError,
        );
      // No answer in time, or the endpoint now answers fine: the SDK's own error is the best evidence.
      if (diagnosis === undefined || diagnosisSignal.aborted) throw error;
      if (!(error instanceof RememberedFailure)) throw diagnosis;
      if (typeof error.original === "object" && error.original !== null) explanations.set(error.original, diagnosis);
      throw error.explainedBy(diagnosis);
    }
  };
}
