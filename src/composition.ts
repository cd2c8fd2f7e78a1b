// The composition root for everything a function needs at run time. Loaded on first use (see
// runtime.ts), not at registration, so a cold start pays for the Azure SDKs only when a function runs.
import type { TokenCredential } from "@azure/core-auth";
import type { ContainerClient } from "@azure/storage-blob";
import type { AppConfig, QuantumSettings, ResourceSetting, StorageSettings, WebPubSubSettings } from "./config.js";
import { getAppCredential, getProbedIdentities } from "./identity/sharedCredential.js";
import { createIdentityHealth, type IdentityHealth, type ResourceProbe } from "./probes/identityHealth.js";
import { createBlobService, createBlobServiceClient, isContainerNotFound, type BlobService } from "./services/blob/blobService.js";
import { createProbeHistory, type ProbeHistory } from "./services/blob/probeHistory.js";
import { createTimerProbe, type TimerProbe } from "./probes/timerProbe.js";
import { liveGroup } from "./probes/liveGroup.js";
import { createQuantumJobService, type QuantumJobService } from "./services/quantum/quantumJobService.js";
import { createWebPubSubService, type WebPubSubService } from "./services/webpubsub/webPubSubService.js";

/** A resource's service, or why there is none (the function answers 503 with it). */
export type Available<T> =
  | { readonly state: "configured"; readonly service: T }
  | { readonly state: "unavailable"; readonly reason: string; readonly settings: readonly string[] };

export interface AppServices {
  readonly config: AppConfig;
  readonly credential: TokenCredential;
  readonly identityHealth: IdentityHealth;
  readonly blobs: Available<BlobService>;
  readonly history: Available<ProbeHistory>;
  readonly webPubSub: Available<WebPubSubService>;
  readonly quantum: Available<QuantumJobService>;
  readonly timerProbe: TimerProbe;
}

export function availability<S, T>(setting: ResourceSetting<S>, build: (value: S) => T): Available<T> {
  switch (setting.state) {
    case "configured":
      return { state: "configured", service: build(setting.value) };
    case "unset":
      return {
        state: "unavailable",
        reason: `${setting.setting} is not set: this resource is not configured.`,
        settings: [setting.setting],
      };
    case "misconfigured":
      return {
        state: "unavailable",
        reason: `Misconfigured: ${setting.problems.map((problem) => problem.message).join("; ")}`,
        settings: setting.problems.map((problem) => problem.setting),
      };
  }
}

/** Per-credential clients: each probed identity proves its own access. */
function perCredential<T>(create: (credential: TokenCredential) => T): (credential: TokenCredential) => T {
  const cache = new WeakMap<TokenCredential, T>();
  return (credential) => {
    let value = cache.get(credential);
    if (value === undefined) {
      value = create(credential);
      cache.set(credential, value);
    }
    return value;
  };
}

type ProbeIdentity = Pick<ResourceProbe, "component" | "displayName" | "roleName" | "scopeSetting">;
type ConfiguredProbe = Omit<Extract<ResourceProbe, { state: "configured" }>, keyof ProbeIdentity | "state">;

/** A resource's access check in the state its settings are in. */
function resourceProbe<S>(identity: ProbeIdentity, setting: ResourceSetting<S>, configured: (value: S) => ConfiguredProbe): ResourceProbe {
  switch (setting.state) {
    case "unset":
      return { ...identity, state: "unset", setting: setting.setting };
    case "misconfigured":
      return { ...identity, state: "misconfigured", problems: setting.problems };
    case "configured":
      return { ...identity, state: "configured", ...configured(setting.value) };
  }
}

function storageProbe(setting: ResourceSetting<StorageSettings>): ResourceProbe {
  const identity = {
    component: "storage",
    displayName: "the storage account",
    roleName: "Storage Blob Data Contributor",
    scopeSetting: "AZURE_STORAGE_ACCOUNT_ID",
  } as const;
  return resourceProbe(identity, setting, (settings) => {
    const containerFor = perCredential<ContainerClient>((credential) =>
      createBlobServiceClient(settings.endpoint, credential).getContainerClient(settings.container),
    );
    return {
      componentId: `${settings.endpoint}/${settings.container}`,
      endpoint: settings.endpoint,
      scope: settings.accountId,
      async checkAccess(credential, abortSignal) {
        // Container properties need a data role: a token alone does not pass this.
        const container = containerFor(credential);
        try {
          await container.getProperties({ abortSignal });
        } catch (error) {
          if (!isContainerNotFound(error)) throw error;
          await container.createIfNotExists({ abortSignal });
          await container.getProperties({ abortSignal });
        }
      },
    };
  });
}

function webPubSubProbe(setting: ResourceSetting<WebPubSubSettings>): ResourceProbe {
  const identity = {
    component: "webpubsub",
    displayName: "Web PubSub",
    roleName: "Web PubSub Service Owner",
    scopeSetting: "AZURE_WEBPUBSUB_ID",
  } as const;
  return resourceProbe(identity, setting, (settings) => {
    const serviceFor = perCredential((credential) =>
      createWebPubSubService({ endpoint: settings.endpoint, hub: settings.hub, credential }),
    );
    return {
      componentId: `${settings.endpoint}/api/hubs/${settings.hub}`,
      endpoint: settings.endpoint,
      scope: settings.resourceId,
      // :generateToken is exactly the permission negotiate needs.
      checkAccess: (credential, abortSignal) => serviceFor(credential).checkAccess({ abortSignal }),
    };
  });
}

function quantumProbe(setting: ResourceSetting<QuantumSettings>): ResourceProbe {
  const identity = {
    component: "quantum",
    displayName: "the Quantum workspace",
    roleName: "Quantum Workspace Data Contributor",
    scopeSetting: "AZURE_QUANTUM_WORKSPACE_ID",
  } as const;
  return resourceProbe(identity, setting, (settings) => {
    const serviceFor = perCredential((credential) =>
      createQuantumJobService({ endpoint: settings.endpoint, workspace: settings.workspace, credential }),
    );
    return {
      componentId: `${settings.endpoint}${settings.workspace.id}`,
      endpoint: settings.endpoint,
      scope: settings.workspace.id,
      // Listing jobs (top=1) needs the data role that submitting does.
      checkAccess: (credential, abortSignal) => serviceFor(credential).checkAccess({ abortSignal }),
    };
  });
}

export function createAppServices(config: AppConfig): AppServices {
  const credential = getAppCredential(config.appClientId);
  const identities = getProbedIdentities(config.identities, config.appClientId);
  const resources = [storageProbe(config.storage), webPubSubProbe(config.webPubSub), quantumProbe(config.quantum)];
  const identityHealth = createIdentityHealth({ settings: config, identities, resources });
  const history = availability(config.storage, (settings) => createProbeHistory(settings, credential));
  const webPubSub = availability(config.webPubSub, (settings) =>
    createWebPubSubService({ endpoint: settings.endpoint, hub: settings.hub, credential }),
  );
  return {
    config,
    credential,
    identityHealth,
    blobs: availability(config.storage, (settings) => createBlobService(settings, credential)),
    history,
    webPubSub,
    quantum: availability(config.quantum, (settings) =>
      createQuantumJobService({ endpoint: settings.endpoint, workspace: settings.workspace, credential }),
    ),
    timerProbe: createTimerProbe({
      identityHealth,
      history: history.state === "configured" ? history.service : undefined,
      publish:
        webPubSub.state === "configured"
          ? (summary, { abortSignal }) => webPubSub.service.publishToGroup(liveGroup, summary, { abortSignal })
          : undefined,
      stepTimeoutMs: Math.max(config.timeoutMs, 5_000),
    }),
  };
}
