// One cold-start sample, run in a fresh process by bench/run.ts: load an app's entry point and let it
// register its functions, the way the Node.js worker loads a CommonJS entry point (require), with
// @azure/functions-core provided as the worker provides it. `app`: the built app (package.json `main`);
// `floor`: a bare @azure/functions app registering one HTTP function (bench/floorApp.ts). Prints the wall time
// and the CPU time of loading and registering.
import Module, { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { readFileSync } from "node:fs";

const [mode, floorDir] = process.argv.slice(2);
const projectRoot = process.cwd();
const entry =
  mode === "app"
    ? resolve(projectRoot, (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { main: string }).main)
    : join(floorDir ?? "", "register-one.cjs");

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

const load = createRequire(entry);
const cpuBefore = process.cpuUsage();
const started = performance.now();
load(entry);
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
if (registered < (mode === "app" ? 5 : 1)) throw new Error(`only ${registered} functions registered`);
console.log(JSON.stringify({ mode, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, registered }));
