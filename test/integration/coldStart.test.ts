// What registration — the cold start — loads, as the Node.js worker loads the app (package.json `main`, a
// CommonJS entry point, required): @azure/functions and the registrations, nothing else. Every handler, zod,
// core-rest-pipeline and every SDK are loaded on first use. A module-resolution hook records every ES module
// resolved while the entry point loads; the CommonJS cache shows every required file.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, projectRoot, runProcess } from "../fixtures/devHost.js";

const probe = `
import Module, { createRequire, register } from "node:module";
const resolved = [];
const { port1, port2 } = new MessageChannel();
port1.on("message", (url) => resolved.push(url));
port1.unref();
register("data:text/javascript," + encodeURIComponent(
  "let port; export function initialize(data) { port = data.port; }" +
  "export async function resolve(specifier, context, next) { const result = await next(specifier, context); port.postMessage(result.url); return result; }"
), { data: { port: port2 }, transferList: [port2] });
let registered = 0;
const core = { version: "t", hostVersion: "t", registerHook: () => ({ dispose() {} }), setProgrammingModel() {}, getProgrammingModel() {},
  registerFunction: () => { registered += 1; return { dispose() {} }; }, log() {}, Disposable: class {} };
const original = Module.prototype.require;
Module.prototype.require = function (id) { return id === "@azure/functions-core" ? core : original.apply(this, arguments); };
const require = createRequire(process.argv[1]);
require(process.argv[1]);
// The hook's own proof that it records: an import made after the entry point loaded. Its message comes after
// those of anything the entry point imported (one port, in order): once it is here, so are they.
await import("node:os");
const deadline = Date.now() + 10_000;
while (!resolved.includes("node:os") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
console.log(JSON.stringify({ registered, required: Object.keys(require.cache), imported: resolved }));
`;

interface Loaded {
  readonly registered: number;
  readonly required: string[];
  readonly imported: string[];
  readonly stderr: string;
}

async function loadEntryPoint(schedule: string | undefined): Promise<Loaded> {
  const { main } = JSON.parse(await readFile(join(projectRoot, "package.json"), "utf8")) as { main: string };
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (schedule === undefined) delete env.IDENTITY_PROBE_SCHEDULE;
  else env.IDENTITY_PROBE_SCHEDULE = schedule;
  const result = await runProcess(process.execPath, ["--input-type=module", "-e", probe, join(projectRoot, main)], {
    cwd: projectRoot,
    env,
    timeoutMs: 30_000,
  });
  const loaded = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as Omit<Loaded, "stderr">;
  expect(loaded.imported.at(-1)).toBe("node:os");
  return { ...loaded, imported: loaded.imported.slice(0, -1), stderr: result.stderr };
}

describe("the cold start", () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 200_000);

  it("loads @azure/functions and the registrations, and nothing else", async () => {
    const loaded = await loadEntryPoint("0 */5 * * * *");
    expect(loaded.stderr).toBe("");
    expect(loaded.registered).toBe(11);
    expect(loaded.imported).toEqual([]);
    const outsideTheLibrary = loaded.required.filter(
      (path) => !/\/node_modules\/(@azure\/functions|@azure\/functions-extensions-base|cookie)\//.test(path),
    );
    expect(outsideTheLibrary).toEqual([join(projectRoot, "dist/app/index.cjs")]);
  });

  it("checks a schedule other than the default with croner, loaded for that alone", async () => {
    const loaded = await loadEntryPoint("0 */15 * * * *");
    expect(loaded.registered).toBe(11);
    expect(loaded.imported).toEqual([]);
    expect(loaded.required).toContain(join(projectRoot, "dist/app/shared/ncrontab.cjs"));
    const malformed = await loadEntryPoint("every fifteen minutes");
    expect(malformed.registered).toBe(10);
    expect(malformed.stderr).toContain("IDENTITY_PROBE_SCHEDULE is not a valid NCRONTAB expression");
  });
});
