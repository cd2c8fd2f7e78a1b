// The context objects the worker hands to hooks. Their `hookData`/`appHookData` can be changed but not
// replaced (the worker throws "Cannot assign to read only property"), and the library wraps each of them
// in its own AppStartContext/PreInvocationContext/… class, which reads these exact property names.
import type { FunctionCallback, HookContext, HookData } from "./functionsCoreTypes.js";
import type { WorkerAppState } from "./workerAppState.js";

function readOnly(name: string): () => never {
  return () => {
    throw new TypeError(`Cannot assign to read only property '${name}'`);
  };
}

function hookDataProperties(hookData: HookData, appHookData: HookData): PropertyDescriptorMap {
  return {
    hookData: { get: () => hookData, set: readOnly("hookData"), enumerable: true },
    appHookData: { get: () => appHookData, set: readOnly("appHookData"), enumerable: true },
  };
}

export interface AppStartHookContext extends HookContext {
  readonly functionAppDirectory: string;
}

export function appStartHookContext(state: WorkerAppState, functionAppDirectory: string): AppStartHookContext {
  return Object.defineProperties(
    { functionAppDirectory },
    hookDataProperties(state.appLevelOnlyHookData, state.appHookData),
  ) as AppStartHookContext;
}

export function appTerminateHookContext(state: WorkerAppState): HookContext {
  return Object.defineProperties({}, hookDataProperties(state.appLevelOnlyHookData, state.appHookData)) as HookContext;
}

export interface PreInvocationHookContext extends HookContext {
  readonly invocationContext: unknown;
  inputs: unknown[];
  functionCallback: FunctionCallback;
}

export interface PostInvocationHookContext extends HookContext {
  readonly invocationContext: unknown;
  inputs: unknown[];
  result: unknown;
  error: unknown;
}

export function preInvocationHookContext(
  state: WorkerAppState,
  hookData: HookData,
  invocationContext: unknown,
  inputs: unknown[],
  functionCallback: FunctionCallback,
): PreInvocationHookContext {
  return Object.defineProperties(
    { inputs, functionCallback },
    {
      ...hookDataProperties(hookData, state.appHookData),
      invocationContext: { get: () => invocationContext, set: readOnly("invocationContext"), enumerable: true },
    },
  ) as PreInvocationHookContext;
}

export function postInvocationHookContext(
  state: WorkerAppState,
  hookData: HookData,
  invocationContext: unknown,
  inputs: unknown[],
): PostInvocationHookContext {
  return Object.defineProperties(
    { inputs, result: null, error: null },
    {
      ...hookDataProperties(hookData, state.appHookData),
      invocationContext: { get: () => invocationContext, set: readOnly("invocationContext"), enumerable: true },
    },
  ) as PostInvocationHookContext;
}
