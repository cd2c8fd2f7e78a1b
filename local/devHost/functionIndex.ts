// What the Functions host makes of the registrations when it indexes them (the worker's
// FunctionsMetadataRequest): HTTP functions with their route, methods and auth level, timers with their
// resolved NCRONTAB schedule, and every other trigger as a function that only the admin API can run.
// Indexing locks registration, and an invalid route or schedule fails the start with a message naming
// the function.
import { Cron } from "croner";
import { parseRouteTemplate, type RouteTemplate } from "./routeTemplate.js";
import { resolveAppSettings, type AppSettings } from "./resolveAppSettings.js";
import type { RpcBindingInfo } from "./functionsCoreTypes.js";
import type { RegisteredFunction, WorkerAppState } from "./workerAppState.js";

export type AuthLevel = "anonymous" | "function" | "admin";

export interface IndexedFunction {
  readonly registration: RegisteredFunction;
  readonly name: string;
  readonly triggerBindingName: string;
  readonly triggerType: string;
  readonly http?: {
    readonly route: RouteTemplate;
    /** Upper-case methods; empty means every method (as the host treats an empty list). */
    readonly methods: readonly string[];
    readonly authLevel: AuthLevel;
  };
  readonly timer?: {
    /** As registered, e.g. `%IDENTITY_PROBE_SCHEDULE%`. */
    readonly schedule: string;
    /** After app-setting substitution: six NCRONTAB fields. */
    readonly resolvedSchedule: string;
    readonly runOnStartup: boolean;
    readonly useMonitor: boolean | undefined;
  };
}

/** Read-only description of a registered function, as the admin API lists it. */
export interface RegisteredFunctionInfo {
  readonly name: string;
  readonly functionId: string;
  readonly triggerType: string;
  readonly http?: {
    readonly route: string;
    readonly methods: readonly string[];
    readonly authLevel: AuthLevel;
    /** The invoke URL with the route's parameters left as `{name}` (Core Tools prints the same). */
    readonly url: string;
  };
  readonly timer?: {
    readonly schedule: string;
    readonly resolvedSchedule: string;
    readonly runOnStartup: boolean;
    readonly nextRun?: string;
  };
}

const authLevels = new Set<AuthLevel>(["anonymous", "function", "admin"]);

function isTriggerType(type: unknown): type is string {
  return typeof type === "string" && /trigger$/i.test(type);
}

/** Validates an NCRONTAB schedule: six fields, seconds first (the Functions host's timer format). */
export function parseNcrontab(schedule: string, where: string): void {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `${where} has the schedule "${schedule}": an NCRONTAB expression needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}).`,
    );
  }
  try {
    new Cron(schedule, { mode: "6-part", paused: true }).stop();
  } catch (error) {
    throw new Error(`${where} has the schedule "${schedule}", which is not a valid NCRONTAB expression: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function indexOne(registration: RegisteredFunction, settings: AppSettings): IndexedFunction {
  const name = registration.metadata.name;
  const entries = Object.entries(registration.metadata.bindings);
  const triggers = entries.filter(([, binding]) => binding.direction === "in" && isTriggerType(binding.type));
  if (triggers.length !== 1) throw new Error(`The function "${name}" must have exactly one trigger binding; it has ${triggers.length}.`);
  const [triggerBindingName, trigger] = triggers[0] as [string, RpcBindingInfo];
  const triggerType = String(trigger.type);

  if (triggerType.toLowerCase() === "httptrigger") {
    const route = typeof trigger.route === "string" && trigger.route.trim() !== "" ? trigger.route : name;
    const authLevel = String(trigger.authLevel ?? "function").toLowerCase() as AuthLevel;
    if (!authLevels.has(authLevel)) throw new Error(`The function "${name}" has the unknown authLevel "${String(trigger.authLevel)}".`);
    const methods = Array.isArray(trigger.methods) ? trigger.methods.map((method) => String(method).toUpperCase()) : [];
    let template: RouteTemplate;
    try {
      template = parseRouteTemplate(route);
    } catch (error) {
      throw new Error(`The function "${name}" has an invalid route: ${(error as Error).message}`, { cause: error });
    }
    return { registration, name, triggerBindingName, triggerType, http: { route: template, methods, authLevel } };
  }

  if (triggerType.toLowerCase() === "timertrigger") {
    const where = `The timer function "${name}"`;
    if (typeof trigger.schedule !== "string") throw new Error(`${where} has no schedule.`);
    const resolvedSchedule = resolveAppSettings(trigger.schedule, settings, where).trim();
    parseNcrontab(resolvedSchedule, where);
    return {
      registration,
      name,
      triggerBindingName,
      triggerType,
      timer: {
        schedule: trigger.schedule,
        resolvedSchedule,
        runOnStartup: trigger.runOnStartup === true,
        useMonitor: typeof trigger.useMonitor === "boolean" ? trigger.useMonitor : undefined,
      },
    };
  }

  return { registration, name, triggerBindingName, triggerType };
}

/** Indexes every registration and locks registration (later registerFunction calls throw). */
export function indexFunctions(state: WorkerAppState, settings: AppSettings): IndexedFunction[] {
  state.isIndexingLocked = true;
  return [...state.functions.values()].map((registration) => indexOne(registration, settings));
}

export function describeFunction(indexed: IndexedFunction, baseUrl: string, routePrefix: string, nextRun?: Date): RegisteredFunctionInfo {
  return {
    name: indexed.name,
    functionId: indexed.registration.functionId,
    triggerType: indexed.triggerType,
    ...(indexed.http
      ? {
          http: {
            route: indexed.http.route.template,
            methods: indexed.http.methods,
            authLevel: indexed.http.authLevel,
            url: `${baseUrl}/${[routePrefix, indexed.http.route.template].filter((part) => part !== "").join("/")}`,
          },
        }
      : {}),
    ...(indexed.timer
      ? {
          timer: {
            schedule: indexed.timer.schedule,
            resolvedSchedule: indexed.timer.resolvedSchedule,
            runOnStartup: indexed.timer.runOnStartup,
            ...(nextRun ? { nextRun: nextRun.toISOString() } : {}),
          },
        }
      : {}),
  };
}
