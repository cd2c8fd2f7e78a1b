// The dev host, programmatically: serves a built Functions app (package.json `main`) through the library's
// own ProgrammingModel/InvocationModel, with the startup order of the Node.js worker and the Functions
// host — load the entry point, run appStart hooks, read the programming model's capabilities, index the
// functions (registration locks), listen, start timers — and the reverse on close().
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { resolve } from "node:path";
import { consoleLogSink, type DevHostLogSink } from "./devHostLog.js";
import { createDevHostServer } from "./devHostServer.js";
import { createFunctionKeyCheck, generateFunctionKey } from "./functionKey.js";
import { describeFunction, indexFunctions, type IndexedFunction, type RegisteredFunctionInfo } from "./functionIndex.js";
import { installFunctionsCoreApi } from "./functionsCoreApi.js";
import { FunctionsSystemError } from "./functionsSystemError.js";
import { appStartHookContext, appTerminateHookContext } from "./hookContexts.js";
import { readHostJson } from "./hostJson.js";
import { invokeFunction } from "./invokeFunction.js";
import { loadFunctionApp } from "./loadFunctionApp.js";
import { isPortFree, PortInUseError } from "./portInUseError.js";
import { executeHooks } from "./registerHook.js";
import { buildRouteTable } from "./routeTable.js";
import { invocationTraceContext, toRpcInvocationRequest } from "./rpcInvocationRequest.js";
import { startTimerScheduler, type TimerScheduler } from "./timerScheduler.js";
import { toRpcTimerData, type TimerStatus } from "./timerTriggerData.js";
import { describeError, WorkerAppState } from "./workerAppState.js";
import type { RpcTypedData, WorkerCapabilities } from "./functionsCoreTypes.js";
import { randomUUID } from "node:crypto";

export type { RegisteredFunctionInfo } from "./functionIndex.js";
export type { DevHostLogRecord, DevHostLogSink } from "./devHostLog.js";

export interface StartDevHostOptions {
  /** Folder with the app's package.json (whose `main` is the built entry point) and host.json. Default: cwd. */
  readonly appRoot?: string;
  /** Default 7071; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The key `function`/`admin` routes and the admin API need; generated when unset (at least 16 characters). */
  readonly functionKey?: string;
  /** Set in process.env (undefined removes) before the app loads: the app reads its settings from there. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where log lines go; default stdout (stderr for warnings and errors). */
  readonly log?: DevHostLogSink;
  /** Request body limit; default 10 MiB. */
  readonly maxRequestBodyBytes?: number;
  /** How long close() waits for running invocations and appTerminate hooks; default 10 s. */
  readonly shutdownTimeoutMs?: number;
}

export interface DevHost {
  /** e.g. http://127.0.0.1:7071 (no route prefix). */
  readonly url: string;
  readonly port: number;
  readonly functionKey: string;
  readonly routePrefix: string;
  /** The registered functions as the admin API lists them (timers with their next run). */
  readonly functions: readonly RegisteredFunctionInfo[];
  /** Stops timers and the server, waits for running invocations, runs appTerminate hooks. Idempotent. */
  close(): Promise<void>;
}

// The capabilities the Node.js worker announces (src/eventHandlers/getWorkerCapabilities.ts); the
// programming model adds its own.
const workerCapabilities: WorkerCapabilities = {
  RawHttpBodyBytes: "true",
  RpcHttpTriggerMetadataRemoved: "true",
  RpcHttpBodyOnly: "true",
  IgnoreEmptyValuedRpcHttpHeaders: "true",
  UseNullableValueDictionaryForHttp: "true",
  WorkerStatus: "true",
  TypedDataCollection: "true",
  HandlesWorkerTerminateMessage: "true",
};

async function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolveExpired) => {
    timer = setTimeout(() => resolveExpired(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(error.code === "EADDRINUSE" ? new PortInUseError(port) : error);
    server.once("error", onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off("error", onError);
      resolveListen(server.address() as AddressInfo);
    });
  });
}

export async function startDevHost(options: StartDevHostOptions = {}): Promise<DevHost> {
  const appRoot = resolve(options.appRoot ?? process.cwd());
  const host = options.host ?? "127.0.0.1";
  const requestedPort = options.port ?? 7071;
  const functionKey = options.functionKey ?? generateFunctionKey();
  const keyCheck = createFunctionKeyCheck(functionKey);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  // Fail fast, before the app runs any startup code, when the port is taken.
  if (!(await isPortFree(requestedPort, host))) throw new PortInUseError(requestedPort);

  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const hostSettings = await readHostJson(appRoot);
  const appState = new WorkerAppState(options.log ?? consoleLogSink, hostSettings.minimumLogLevel);
  installFunctionsCoreApi(appState);

  await loadFunctionApp(appState, appRoot);
  await executeHooks(appState, "appStart", appStartHookContext(appState, appRoot));
  const capabilities = (await appState.programmingModel?.getCapabilities?.({ ...workerCapabilities })) ?? workerCapabilities;
  if (capabilities.HttpUri) {
    throw new FunctionsSystemError(
      "The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the dev host does not support.",
    );
  }
  const functions = indexFunctions(appState, process.env);
  if (functions.length === 0)
    appState.log({ level: "warning", category: "host", message: "No job functions found: the app registered no functions." });
  const routeTable = buildRouteTable(functions, hostSettings.routePrefix);

  let baseUrl = "";
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(invocation: Promise<T>): Promise<T> => {
    inFlight.add(invocation);
    const forget = (): void => void inFlight.delete(invocation);
    invocation.then(forget, forget);
    return invocation;
  };

  function runNonHttp(target: IndexedFunction, triggerData: RpcTypedData, reason: string): void {
    const invocationId = randomUUID();
    const request = toRpcInvocationRequest({
      invocationId,
      functionId: target.registration.functionId,
      triggerBindingName: target.triggerBindingName,
      triggerData,
      traceContext: invocationTraceContext(undefined, target.name),
    });
    // A failure is logged by invokeFunction; nobody waits for the result of a non-HTTP run.
    track(invokeFunction(appState, target.registration, { ...request, invocationId }, reason)).catch(() => undefined);
  }

  const timeZone = process.env.WEBSITE_TIME_ZONE;
  const scheduler: TimerScheduler = startTimerScheduler({
    timers: functions.filter((indexed) => indexed.timer),
    ...(timeZone ? { timezone: timeZone } : {}),
    run: (timer, status: TimerStatus) => {
      runNonHttp(timer, toRpcTimerData(status), `Timer fired at ${new Date().toISOString()}`);
      return Promise.resolve();
    },
  });

  const listFunctions = (): RegisteredFunctionInfo[] =>
    functions.map((indexed) => describeFunction(indexed, baseUrl, hostSettings.routePrefix, scheduler.nextRun(indexed.name)));

  const server = createDevHostServer({
    appState,
    functions,
    routeTable,
    keyCheck,
    maxRequestBodyBytes: options.maxRequestBodyBytes ?? 10 * 1024 * 1024,
    fallbackHost: () => new URL(baseUrl).host,
    listFunctions,
    track,
    runNonHttpFunction(target, input) {
      const triggerData = target.timer ? toRpcTimerData(scheduler.statusForRunNow(target.name)) : { string: input };
      runNonHttp(target, triggerData, "This function was programmatically called via the host APIs.");
    },
  });
  let address: AddressInfo;
  try {
    address = await listen(server, requestedPort, host);
  } catch (error) {
    scheduler.stop();
    throw error;
  }
  baseUrl = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  for (const timer of functions) {
    if (timer.timer?.runOnStartup)
      runNonHttp(timer, toRpcTimerData(scheduler.statusForRunNow(timer.name)), "Timer fired at startup (runOnStartup)");
  }

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    const deadline = Date.now() + shutdownTimeoutMs;
    scheduler.stop();
    const serverClosed = new Promise<void>((resolveClosed) => server.close(() => resolveClosed()));
    server.closeIdleConnections();
    const drained = await withDeadline(
      (async () => {
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      })(),
      deadline - Date.now(),
    );
    if (!drained) appState.log({ level: "warning", category: "host", message: "Shutdown deadline passed with invocations still running." });
    const terminated = await withDeadline(
      executeHooks(appState, "appTerminate", appTerminateHookContext(appState)).catch((error: unknown) =>
        appState.log({ level: "error", category: "host", message: `An appTerminate hook failed: ${describeError(error)}` }),
      ),
      deadline - Date.now(),
    );
    if (!terminated)
      appState.log({ level: "warning", category: "host", message: "Shutdown deadline passed while appTerminate hooks were running." });
    server.closeAllConnections();
    await serverClosed;
  }

  return {
    url: baseUrl,
    port: address.port,
    functionKey,
    routePrefix: hostSettings.routePrefix,
    get functions() {
      return listFunctions();
    },
    close() {
      closing ??= close();
      return closing;
    },
  };
}
