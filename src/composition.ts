// The composition root for everything a function needs at run time, built from the configuration and the
// list of resource definitions. Loaded on first use (see runtime.ts), not at registration, so a cold start
// pays for the Azure SDKs only when a function runs. Nothing here names a resource.
import type { TokenCredential } from "@azure/core-auth";
import { mapResourceState, type AppConfig, type ResourceState } from "./config.js";
import { audienceCatalog, type Audience } from "./identity/audienceCatalog.js";
import { describeManagedIdentityHost } from "./identity/managedIdentityHost.js";
import { getAppCredential, getIdentityEndpointGate, getProbedIdentities, type CredentialSettings } from "./identity/sharedCredential.js";
import { createIdentityHealth, type IdentityHealth } from "./probes/identityHealth.js";
import { createTimerProbe, type TimerProbe } from "./probes/timerProbe.js";
import { probedResource, type RbacReader, type ResourceDefinition } from "./resources/resourceDefinition.js";
import type { ProbeHistory } from "./services/blob/probeHistory.js";

export interface AppServices {
  readonly config: AppConfig;
  readonly credential: TokenCredential;
  readonly identityHealth: IdentityHealth;
  /** The timer probe's history, from the resource that stores it. */
  readonly history: ResourceState<ProbeHistory>;
  readonly timerProbe: TimerProbe;
  /** A resource's service for the app's functions, or why there is none (they answer 503 with it). */
  serviceOf<S, Svc>(definition: ResourceDefinition<S, Svc>): ResourceState<Svc>;
}

/** Every audience the probe asks a token for: each resource's, then the extra ones. */
export function probedAudiences(config: AppConfig, definitions: readonly ResourceDefinition[]): readonly Audience[] {
  const base = definitions.map((definition) => ({ component: definition.component, resource: definition.audience }));
  return audienceCatalog(base, config.extraAudiences);
}

const notProvided: ResourceState<never> = { state: "unset", setting: "(no resource provides it)" };

/** Each identity's reader of its own Azure RBAC, from the configured resource that offers one (Resource Manager). */
function rbacReaderOf(config: AppConfig, definitions: readonly ResourceDefinition[]): ((credential: TokenCredential) => RbacReader) | undefined {
  for (const definition of definitions) {
    if (!definition.rbacReader) continue;
    const settings = config.resourceSettings(definition);
    if (settings.state === "configured") return definition.rbacReader(settings.value);
  }
  return undefined;
}

export function createAppServices(config: AppConfig, definitions: readonly ResourceDefinition[]): AppServices {
  const credentialSettings: CredentialSettings = {
    appClientId: config.appClientId,
    requestTimeoutMs: config.timeoutMs,
    limits: config.politeness.limits,
    failureMemoryMs: config.politeness.failureMemoryMs,
    managedIdentity: config.managedIdentity,
  };
  const credential = getAppCredential(credentialSettings);
  const identities = getProbedIdentities(config.identities, credentialSettings);
  const services = new Map<ResourceDefinition, ResourceState<unknown>>(
    definitions.map((definition) => [
      definition,
      mapResourceState(config.resourceSettings(definition), (settings) => definition.createService(settings, credential)),
    ]),
  );
  function serviceOf<S, Svc>(definition: ResourceDefinition<S, Svc>): ResourceState<Svc> {
    const state = services.get(definition);
    if (state === undefined) throw new Error(`'${definition.component}' is not one of the app's resources.`);
    // The map is keyed by the definition that built the service, so the service has that definition's type.
    return state as ResourceState<Svc>;
  }

  /** What the first resource that offers it provides (the history store, the live channel). */
  function firstProvided<T>(offer: (definition: ResourceDefinition) => ((service: unknown) => T) | undefined): ResourceState<T> {
    for (const definition of definitions) {
      const provide = offer(definition);
      if (provide) return mapResourceState(serviceOf(definition), provide);
    }
    return notProvided;
  }
  const history = firstProvided((definition) => definition.probeHistory?.bind(definition));
  const rbac = rbacReaderOf(config, definitions);
  const identityHealth = createIdentityHealth({
    settings: config,
    host: describeManagedIdentityHost(config.managedIdentity, config.appClientId),
    identities,
    audiences: probedAudiences(config, definitions),
    resources: definitions.map((definition) => probedResource(definition, config.resourceSettings(definition))),
    gate: getIdentityEndpointGate(config.politeness.limits),
    ...(history.state === "configured" ? { history: history.value } : {}),
    ...(rbac ? { rbac } : {}),
  });
  const liveChannel = firstProvided((definition) => definition.liveUpdates?.channel.bind(definition.liveUpdates));

  return {
    config,
    credential,
    identityHealth,
    history,
    serviceOf,
    timerProbe: createTimerProbe({
      identityHealth,
      history: history.state === "configured" ? history.value : undefined,
      publish: liveChannel.state === "configured" ? (summary, options) => liveChannel.value.publish(summary, options) : undefined,
      stepTimeoutMs: Math.max(config.timeoutMs, 5_000),
    }),
  };
}
