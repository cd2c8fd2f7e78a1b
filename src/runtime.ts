// The lazy door to the app's configuration and services. Registration (app.ts) loads only this small
// module; the resource definitions, zod and the Azure SDKs are loaded the first time a function runs
// (esbuild splits each dynamic import into its own chunk).
import type { AppServices } from "./composition.js";
import type { AppConfig, ResourceState } from "./config.js";
import type { TimerProbe } from "./probes/timerProbe.js";
import type { ResourceDefinition } from "./resources/resourceDefinition.js";
import { once } from "./shared/once.js";

export type ResourceLoader = () => Promise<readonly ResourceDefinition[]>;

let loadResources: ResourceLoader = () => import("./resources/resourceDefinitions.js").then((module) => module.resourceDefinitions);

/** Which resources the app uses: set once, at registration, before any function runs. */
export function useResources(loader: ResourceLoader): void {
  loadResources = loader;
}

export const getResources = once(() => loadResources());

export const getAppConfig = once(async (): Promise<AppConfig> => {
  const [{ getConfig }, resources] = await Promise.all([import("./config.js"), getResources()]);
  return getConfig(resources);
});

export const getAppServices = once(async (): Promise<AppServices> => {
  const [{ createAppServices }, config, resources] = await Promise.all([import("./composition.js"), getAppConfig(), getResources()]);
  return createAppServices(config, resources);
});

/** A resource's service for a function, or why there is none. */
export async function getService<S, Svc>(definition: ResourceDefinition<S, Svc>): Promise<ResourceState<Svc>> {
  return (await getAppServices()).serviceOf(definition);
}

/** The timer probe keeps the previous run's report to log what changed, so it lives as long as the process. */
export const getTimerProbe = once(async (): Promise<TimerProbe> => (await getAppServices()).timerProbe);
