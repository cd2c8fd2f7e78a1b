// coreApi.registerFunction, with the Node.js worker's rules (src/coreApi/registerFunction.ts): functions
// are registered while the app starts and never after the host has indexed them, and a function ID (the
// name unless `functionId` is given) is registered once. The Functions host adds its own rules when it
// indexes: a valid name, unique without regard to case (function names are case-insensitive in URLs, the
// admin API and the portal).
import { basename, dirname } from "node:path";
import { Disposable } from "./Disposable.js";
import { FunctionsSystemError } from "./functionsSystemError.js";
import type { FunctionCallback, FunctionMetadata } from "./functionsCoreTypes.js";
import type { WorkerAppState } from "./workerAppState.js";

// The host's function name rule (Utility.IsValidFunctionName in azure-functions-host).
const functionNamePattern = /^[a-z][a-z0-9_-]{0,127}$/i;

export function registerFunction(state: WorkerAppState, metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
  if (state.isIndexingLocked) throw new FunctionsSystemError("A function can only be registered during app startup.");
  if (typeof metadata?.name !== "string" || typeof metadata.bindings !== "object" || metadata.bindings === null) {
    throw new FunctionsSystemError("A function registration needs a name and bindings.");
  }
  if (typeof callback !== "function") throw new FunctionsSystemError(`The handler of function "${metadata.name}" must be a function.`);

  const functionId = metadata.functionId || metadata.name;
  if (state.functions.has(functionId)) throw new FunctionsSystemError(`A function with id "${functionId}" has already been registered.`);
  if (!functionNamePattern.test(metadata.name)) {
    throw new FunctionsSystemError(
      `The function name "${metadata.name}" is invalid: it must start with a letter and contain only letters, digits, "_" and "-" (at most 128 characters).`,
    );
  }
  const sameName = [...state.functions.values()].find((existing) => existing.metadata.name.toLowerCase() === metadata.name.toLowerCase());
  if (sameName) {
    throw new FunctionsSystemError(
      `A function named "${sameName.metadata.name}" has already been registered; function names are case-insensitive, so "${metadata.name}" is a duplicate.`,
    );
  }

  const entryPoint = state.currentEntryPoint;
  state.functions.set(functionId, {
    functionId,
    callback,
    metadata: {
      name: metadata.name,
      functionId,
      bindings: metadata.bindings,
      retryOptions: metadata.retryOptions,
      // What the worker sends the host: `rawBindings` is what the host reads, `bindings` what the library reads.
      rawBindings: Object.entries(metadata.bindings).map(([name, binding]) => JSON.stringify({ ...binding, name })),
      scriptFile: entryPoint ? basename(entryPoint) : "unknown",
      directory: entryPoint ? dirname(entryPoint) : null,
    },
  });

  return new Disposable(() => {
    if (state.isIndexingLocked) throw new FunctionsSystemError("A function can only be disposed during app startup.");
    state.functions.delete(functionId);
  });
}
