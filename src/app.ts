// Registers every function of the app. Each handler is loaded on its first invocation, so registration —
// the cold start — loads @azure/functions and this file, nothing else: no zod, no Azure SDK. The build makes
// this entry point CommonJS (dist/app/index.cjs, scripts/appBundle.mjs): the Node.js worker requires it, and
// @azure/functions, itself CommonJS, loads in about a third of the time an ES module import of it takes. The
// handlers and everything they use are ES modules loaded with import() on first use, the runtime among them:
// this file never imports it statically, so that there is one copy of its state.
import { app, type HttpHandler, type HttpMethod, type TimerHandler } from "@azure/functions";
import type { ResourceLoader } from "./runtime.js";
import { timerScheduleBinding } from "./timerSchedule.js";
import { once } from "./shared/once.js";

export interface AppOptions {
  /** The Azure resources the app uses (src/resources/resourceDefinitions.ts in the deployed app). */
  readonly resources?: ResourceLoader;
}

/** A handler that imports its module on first use, after the runtime knows the app's resources. */
function lazy<A extends unknown[], R>(
  prepare: () => Promise<unknown>,
  load: () => Promise<(...args: A) => R | Promise<R>>,
): (...args: A) => Promise<R> {
  let handler: Promise<(...args: A) => R | Promise<R>> | undefined;
  return async (...args) => {
    handler ??= prepare().then(load);
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
  const { resources } = options;
  const runtime = once(async () => {
    const loaded = await import("./runtime.js");
    if (resources) loaded.useResources(resources);
    return loaded;
  });
  app.setup({ enableHttpStream: false });

  app.hook.appStart(async () => {
    // A malformed setting never stops the app (the health endpoint must be able to say what is wrong),
    // but it is logged once at start, naming the setting.
    const { getAppConfig } = await runtime();
    for (const problem of (await getAppConfig()).problems) console.error(`identity-probe configuration error: ${problem.message}`);
  });

  for (const { name, load, ...http } of httpFunctions) app.http(name, { ...http, handler: lazy(runtime, load) });

  const schedule = timerScheduleBinding();
  if (schedule) {
    const handler: TimerHandler = lazy(runtime, () =>
      import("./functions/identityProbeTimer.js").then((module) => module.identityProbeTimer),
    );
    app.timer("identityProbe", { schedule, runOnStartup: false, handler });
  } else {
    console.error(
      "identity-probe configuration error: IDENTITY_PROBE_SCHEDULE is not a valid NCRONTAB expression; the identityProbe timer is not registered.",
    );
  }
}
