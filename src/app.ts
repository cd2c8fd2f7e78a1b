// Registers every function of the app. Each handler is loaded on its first invocation, so registration —
// the cold start — loads @azure/functions and this file, nothing else: no zod, no Azure SDK.
import { app, type HttpHandler, type HttpMethod, type TimerHandler } from "@azure/functions";
import { getAppConfig, useResources, type ResourceLoader } from "./runtime.js";
import { timerScheduleBinding } from "./timerSchedule.js";

export interface AppOptions {
  /** The Azure resources the app uses (src/resources/resourceDefinitions.ts in the deployed app). */
  readonly resources?: ResourceLoader;
}

/** A handler that imports its module on first use. */
function lazy<A extends unknown[], R>(load: () => Promise<(...args: A) => R | Promise<R>>): (...args: A) => Promise<R> {
  let handler: Promise<(...args: A) => R | Promise<R>> | undefined;
  return async (...args) => {
    handler ??= load();
    // A module that failed to load (a broken deployment) is loaded again on the next invocation.
    handler.catch(() => {
      handler = undefined;
    });
    const run = await handler;
    return await run(...args);
  };
}

interface HttpFunction {
  readonly name: string;
  readonly route: string;
  readonly methods: HttpMethod[];
  readonly authLevel: "anonymous" | "function";
  readonly load: () => Promise<HttpHandler>;
}

// DESIGN §3: every HTTP function, its route, methods and auth level.
const httpFunctions: readonly HttpFunction[] = [
  {
    name: "healthIdentity",
    route: "health/identity",
    methods: ["GET"],
    authLevel: "anonymous",
    load: () => import("./functions/healthIdentity.js").then((module) => module.healthIdentity),
  },
  {
    name: "healthIdentityDetails",
    route: "health/identity/details",
    methods: ["GET"],
    authLevel: "function",
    load: () => import("./functions/healthIdentityDetails.js").then((module) => module.healthIdentityDetails),
  },
  {
    name: "healthIdentityHistory",
    route: "health/identity/history",
    methods: ["GET"],
    authLevel: "function",
    load: () => import("./functions/healthIdentityHistory.js").then((module) => module.healthIdentityHistory),
  },
  {
    name: "blobItem",
    route: "blobs/{*name}",
    methods: ["GET", "PUT", "DELETE"],
    authLevel: "function",
    load: () => import("./functions/blobItem.js").then((module) => module.blobItem),
  },
  {
    name: "blobList",
    route: "blobs",
    methods: ["GET"],
    authLevel: "function",
    load: () => import("./functions/blobList.js").then((module) => module.blobList),
  },
  {
    name: "pubsubNegotiate",
    route: "pubsub/negotiate",
    methods: ["GET"],
    authLevel: "function",
    load: () => import("./functions/pubsubNegotiate.js").then((module) => module.pubsubNegotiate),
  },
  {
    name: "pubsubMessages",
    route: "pubsub/messages",
    methods: ["POST"],
    authLevel: "function",
    load: () => import("./functions/pubsubMessages.js").then((module) => module.pubsubMessages),
  },
  {
    name: "quantumJobs",
    route: "quantum/jobs",
    methods: ["GET", "POST"],
    authLevel: "function",
    load: () => import("./functions/quantumJobs.js").then((module) => module.quantumJobs),
  },
  {
    name: "quantumJob",
    route: "quantum/jobs/{id}",
    methods: ["GET", "DELETE"],
    authLevel: "function",
    load: () => import("./functions/quantumJob.js").then((module) => module.quantumJob),
  },
  {
    name: "dashboard",
    route: "dashboard",
    methods: ["GET"],
    authLevel: "function",
    load: () => import("./functions/dashboard.js").then((module) => module.dashboard),
  },
];

export function registerApp(options: AppOptions = {}): void {
  if (options.resources) useResources(options.resources);
  app.setup({ enableHttpStream: false });

  app.hook.appStart(async () => {
    // A malformed setting never stops the app (the health endpoint must be able to say what is wrong),
    // but it is logged once at start, naming the setting.
    for (const problem of (await getAppConfig()).problems) console.error(`identity-probe configuration error: ${problem.message}`);
  });

  for (const { name, load, ...options } of httpFunctions) app.http(name, { ...options, handler: lazy(load) });

  const schedule = timerScheduleBinding();
  if (schedule) {
    const handler: TimerHandler = lazy(() => import("./functions/identityProbeTimer.js").then((module) => module.identityProbeTimer));
    app.timer("identityProbe", { schedule, runOnStartup: false, handler });
  } else {
    console.error(
      "identity-probe configuration error: IDENTITY_PROBE_SCHEDULE is not a valid NCRONTAB expression; the identityProbe timer is not registered.",
    );
  }
}
