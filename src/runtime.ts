// The lazy door to the app's services: function files import this small module, and the Azure SDKs are
// loaded the first time a function actually runs (esbuild splits composition.ts into its own chunk).
import type { AppServices } from "./composition.js";
import type { TimerProbe } from "./probes/timerProbe.js";
import { getConfig } from "./config.js";

let services: Promise<AppServices> | undefined;

export function getAppServices(): Promise<AppServices> {
  services ??= import("./composition.js").then(({ createAppServices }) => createAppServices(getConfig()));
  // A failed load (a broken deployment) is retried on the next call rather than cached forever.
  services.catch(() => {
    services = undefined;
  });
  return services;
}

let timerProbe: Promise<TimerProbe> | undefined;

/** The timer probe keeps the previous run's report to log what changed, so it lives as long as the process. */
export function getTimerProbe(): Promise<TimerProbe> {
  timerProbe ??= getAppServices().then((services) => services.timerProbe);
  timerProbe.catch(() => {
    timerProbe = undefined;
  });
  return timerProbe;
}
