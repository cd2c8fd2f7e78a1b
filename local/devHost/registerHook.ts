// coreApi.registerHook and the worker's hook execution (src/hooks/* in Azure/azure-functions-nodejs-worker):
// hooks run in registration order, each awaited, and a throwing hook stops the ones after it.
import { Disposable } from "./Disposable.js";
import { FunctionsRangeError } from "./functionsSystemError.js";
import type { HookCallback, HookContext, HookName } from "./functionsCoreTypes.js";
import type { WorkerAppState } from "./workerAppState.js";

function isHookName(name: string): name is HookName {
  return name === "preInvocation" || name === "postInvocation" || name === "appStart" || name === "appTerminate" || name === "log";
}

export function registerHook(state: WorkerAppState, hookName: string, callback: HookCallback): Disposable {
  // The worker answers an unknown hook name with a RangeError marked as a system error.
  if (!isHookName(hookName)) throw new FunctionsRangeError(`Unrecognized hook "${hookName}"`);
  if (typeof callback !== "function") throw new TypeError(`The "${hookName}" hook callback must be a function.`);
  const hooks = state.hooks[hookName];
  hooks.push(callback);
  return new Disposable(() => {
    const index = hooks.indexOf(callback);
    if (index > -1) hooks.splice(index, 1);
  });
}

export async function executeHooks(
  state: WorkerAppState,
  hookName: Exclude<HookName, "log">,
  context: HookContext,
  source: { functionName?: string; invocationId?: string } = {},
): Promise<void> {
  // A copy: a hook that disposes itself must not make the next one skip.
  const callbacks = [...state.hooks[hookName]];
  if (callbacks.length === 0) return;
  state.log({ level: "debug", category: "system", message: `Executing ${callbacks.length} "${hookName}" hooks`, ...source });
  for (const callback of callbacks) await callback(context);
  state.log({ level: "debug", category: "system", message: `Executed "${hookName}" hooks`, ...source });
}
