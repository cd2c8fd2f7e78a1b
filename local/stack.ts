// `npm start`: the whole app on loopback with no Azure account (DESIGN.md §4).
//   node dist/local/stack.js [--func]
// Settings: PORT (app, default 7071), IDENTITY_PROBE_STATE_DIR (default .local), IDENTITY_PROBE_AZURITE_PORT
// (default 10000, a free one when taken), LOCAL_FUNCTION_KEY (default: generated once, kept in the state
// dir), --func or IDENTITY_PROBE_USE_FUNC=1 (serve with Core Tools when `func` is on PATH). Endpoints already
// in the environment are used as given. Node reads NODE_EXTRA_CA_CERTS only at start, so a process that
// does not trust the local CA yet runs itself again, as a child that does, and supervises it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateFunctionKey } from "./devHost/functionKey.js";
import { isPortFree, PortInUseError } from "./devHost/portInUseError.js";
import { createLocalCa, writeTrustBundle, type LocalCa } from "./localCa.js";
import { startStack, type RunningStack } from "./stack/startStack.js";
import { formatStackSummary, removeStackFile, writeStackFile } from "./stack/stackSummary.js";

const stopDeadlineMs = 30_000;

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function parsePort(name: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) fail(`${name} must be a number from 0 to 65535, not "${text}".`);
  return port;
}

/** The folder with package.json above this file (local/ in the sources, dist/local/ when built). */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) fail("Could not find the project's package.json above the stack script.");
    dir = parent;
  }
  return dir;
}

async function isTrusted(ca: LocalCa): Promise<boolean> {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (!extra) return false;
  const trusted = await readFile(extra, "utf8").catch(() => "");
  return trusted.includes(ca.caPem.trim());
}

/** The key from LOCAL_FUNCTION_KEY, else the one generated on a previous run, else a new one (kept 0600). */
async function localFunctionKey(stateDir: string): Promise<string> {
  if (process.env.LOCAL_FUNCTION_KEY) return process.env.LOCAL_FUNCTION_KEY;
  const path = join(stateDir, "function-key");
  const existing = (await readFile(path, "utf8").catch(() => "")).trim();
  if (existing.length >= 16) return existing;
  const key = generateFunctionKey();
  await writeFile(path, `${key}\n`, { mode: 0o600 });
  return key;
}

/** Runs this script again with NODE_EXTRA_CA_CERTS = the trust bundle, forwards stop signals, exits with it. */
function superviseTrustedChild(bundlePath: string): void {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundlePath },
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    });
  }
  child.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { func: { type: "boolean", default: false } }, allowPositionals: false });
  const projectRoot = findProjectRoot();
  const stateDir = resolve(process.env.IDENTITY_PROBE_STATE_DIR ?? join(projectRoot, ".local"));
  const port = parsePort("PORT", process.env.PORT ?? "7071");
  const azuritePort = parsePort("IDENTITY_PROBE_AZURITE_PORT", process.env.IDENTITY_PROBE_AZURITE_PORT ?? "10000");
  const useFunc = values.func === true || process.env.IDENTITY_PROBE_USE_FUNC === "1";

  // A second `npm start` stops here, before touching the first one's state.
  if (!(await isPortFree(port, "127.0.0.1"))) fail(new PortInUseError(port).message);

  const ca = await createLocalCa(stateDir);
  if (!(await isTrusted(ca))) {
    const bundlePath = await writeTrustBundle(ca, process.env.NODE_EXTRA_CA_CERTS, join(stateDir, "trust-bundle.pem"));
    superviseTrustedChild(bundlePath);
    return;
  }
  const trustBundlePath = resolve(process.env.NODE_EXTRA_CA_CERTS ?? "");
  const functionKey = await localFunctionKey(stateDir);

  let running: RunningStack | undefined;
  let isStopping = false;
  let exitCode = 0;
  const finish = async (): Promise<void> => {
    await running?.close();
    await removeStackFile(stateDir);
    process.exit(exitCode);
  };
  const stop = (why: string, code = 0): void => {
    if (isStopping) return;
    isStopping = true;
    exitCode = code;
    print(`Stopping the local stack (${why})…`);
    setTimeout(() => {
      process.stderr.write(`The local stack did not stop within ${stopDeadlineMs} ms; exiting (the child reaper stops what is left).\n`);
      process.exit(1);
    }, stopDeadlineMs).unref();
    // Before the stack is up, startStack's own cleanup runs when it fails or is awaited below.
    if (running) void finish();
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal));
  if (process.send) process.on("disconnect", () => stop("the supervising process went away"));

  try {
    running = await startStack({
      projectRoot,
      stateDir,
      ca,
      trustBundlePath,
      port,
      azuritePort,
      functionKey,
      useFunc,
      env: process.env,
      print,
      onUnexpectedExit: (what) => stop(what, 1),
    });
  } catch (error) {
    fail(
      error instanceof PortInUseError ? error.message : `The local stack failed to start: ${(error as Error)?.message ?? String(error)}`,
    );
  }
  if (isStopping) {
    await finish();
    return;
  }
  await writeStackFile(stateDir, running.summary);
  print(formatStackSummary(running.summary, projectRoot));
}

await main();
