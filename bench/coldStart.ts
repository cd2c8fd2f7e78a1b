// One cold-start sample, run in a fresh process by bench/run.ts: either import the built app and let it
// register every function (`app`), or import the same SDKs eagerly (`eager`). Prints milliseconds.
import Module from "node:module";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const mode = process.argv[2];
const started = performance.now();
if (mode === "app") {
  // Stand in for the Functions worker: provide @azure/functions-core and count the registrations.
  let registered = 0;
  const coreApi = {
    version: "bench",
    hostVersion: "bench",
    registerHook: () => ({ dispose: () => undefined }),
    setProgrammingModel: () => undefined,
    getProgrammingModel: () => undefined,
    registerFunction: () => {
      registered += 1;
      return { dispose: () => undefined };
    },
    log: () => undefined,
    Disposable: class {
      dispose(): void {}
    },
  };
  const originalRequire = Module.prototype.require;
  Module.prototype.require = new Proxy(originalRequire, {
    apply(target, thisArg: unknown, args: [string]) {
      if (args[0] === "@azure/functions-core") return coreApi;
      return Reflect.apply(target, thisArg, args);
    },
  }) as typeof originalRequire;
  await import(pathToFileURL(resolve("dist/app/index.js")).href);
  if (registered < 5) throw new Error(`only ${registered} functions registered`);
} else {
  await Promise.all([
    import("@azure/functions"),
    import("@azure/identity"),
    import("@azure/storage-blob"),
    import("@azure/web-pubsub"),
    import("@azure-rest/core-client"),
    import("@azure/core-rest-pipeline"),
    import("zod"),
    import("jose"),
  ]);
}
console.log(JSON.stringify({ mode, ms: performance.now() - started }));
