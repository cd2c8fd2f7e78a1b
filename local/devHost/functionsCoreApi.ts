// Provides the `@azure/functions-core` module the way the Node.js worker does (src/setupCoreModule.ts):
// `Module.prototype.require` is wrapped so that require('@azure/functions-core') — which
// `@azure/functions` calls lazily, from its CommonJS bundle — returns this object. ESM `import` of the
// module is not intercepted, exactly as in the worker. There is one worker per process, so the module can
// be provided once per process.
import Module from "node:module";
import { Disposable } from "./Disposable.js";
import { FunctionsSystemError } from "./functionsSystemError.js";
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from "./functionsCoreTypes.js";
import { registerFunction } from "./registerFunction.js";
import { registerHook } from "./registerHook.js";
import type { WorkerAppState } from "./workerAppState.js";

/** The worker version the dev host stands in for: 3.10 added log hooks, which @azure/functions 4.16 uses. */
export const devHostWorkerVersion = "3.10.1-devhost";
/** Reported as the Functions host version: 4.34 is the first host with log hooks. */
export const devHostHostVersion = "4.34.0-devhost";

export interface FunctionsCoreApi {
  readonly version: string;
  readonly hostVersion: string;
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable;
  registerHook(hookName: string, callback: HookCallback): Disposable;
  setProgrammingModel(programmingModel: ProgrammingModel): void;
  getProgrammingModel(): ProgrammingModel | undefined;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
  readonly Disposable: typeof Disposable;
}

let installed: WorkerAppState | undefined;

export function createFunctionsCoreApi(state: WorkerAppState): FunctionsCoreApi {
  return {
    version: devHostWorkerVersion,
    hostVersion: devHostHostVersion,
    registerFunction: (metadata, callback) => registerFunction(state, metadata, callback),
    registerHook: (hookName, callback) => registerHook(state, hookName, callback),
    setProgrammingModel(programmingModel) {
      // The worker logs a change of model, except the first one (its own default).
      if (state.programmingModel) {
        state.log({
          level: "information",
          category: "system",
          message: `Setting Node.js programming model to "${programmingModel.name}" version "${programmingModel.version}"`,
        });
      }
      state.programmingModel = programmingModel;
    },
    getProgrammingModel: () => state.programmingModel,
    log: (level, category, message) => state.log({ level, category, message: String(message) }),
    Disposable,
  };
}

/** Makes require('@azure/functions-core') return the API backed by `state`, for the rest of the process. */
export function installFunctionsCoreApi(state: WorkerAppState): FunctionsCoreApi {
  if (installed) {
    throw new FunctionsSystemError(
      "The dev host already provides @azure/functions-core in this process: @azure/functions keeps the first one it gets, so run one dev host per process.",
    );
  }
  installed = state;
  const coreApi = createFunctionsCoreApi(state);
  Module.prototype.require = new Proxy(Module.prototype.require, {
    apply(target, thisArg, argArray: unknown[]) {
      if (argArray[0] === "@azure/functions-core") return coreApi;
      return Reflect.apply(target, thisArg, argArray) as unknown;
    },
  });
  return coreApi;
}
