// Runs the app for the stack, in a child process with the stack's environment: the dev host
// (dist/local/devHost/main.js, which reports `ready` over IPC and stops when the IPC channel closes) or,
// on request, Azure Functions Core Tools (`func start`) in its own process group, ready when its admin
// API answers.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DevHostFailedMessage, DevHostReadyMessage } from "../devHost/devHostMessages.js";
import { readHostJson } from "../devHost/hostJson.js";
import { PortInUseError } from "../devHost/portInUseError.js";
import type { RegisteredFunctionInfo } from "../devHost/startDevHost.js";

export interface AppProcess {
  readonly kind: "dev-host" | "func";
  readonly process: ChildProcess;
  readonly url: string;
  readonly routePrefix: string;
  /** Empty for func: Core Tools prints its own list. */
  readonly functions: readonly RegisteredFunctionInfo[];
  /** Resolves when the process has exited (for any reason). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** `func` on PATH, if Core Tools are installed. */
export function findFuncOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === "win32" ? "func.cmd" : "func");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function watchExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

function stopper(child: ChildProcess, exited: Promise<unknown>, isGroup: boolean): (timeoutMs?: number) => Promise<void> {
  const signal = (name: NodeJS.Signals): void => {
    try {
      if (isGroup && child.pid) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // already gone
    }
  };
  return async (timeoutMs = 12_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), timeoutMs);
    await exited;
    clearTimeout(timer);
  };
}

export async function startDevHostProcess(options: {
  readonly projectRoot: string;
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
  readonly startTimeoutMs?: number;
}): Promise<AppProcess> {
  const main = fileURLToPath(new URL("../devHost/main.js", import.meta.url));
  const child = spawn(process.execPath, [main, "--app-root", options.projectRoot, "--port", String(options.port)], {
    cwd: options.projectRoot,
    env: options.env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = watchExit(child);
  const stop = stopper(child, exited, false);
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const ready = await new Promise<DevHostReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The dev host did not start within ${timeoutMs} ms.`)), timeoutMs);
    child.on("message", (message: DevHostReadyMessage | DevHostFailedMessage) => {
      if (message?.type === "ready") {
        clearTimeout(timer);
        resolve(message);
      } else if (message?.type === "failed") {
        clearTimeout(timer);
        reject(message.isPortInUse ? new PortInUseError(options.port) : new Error(message.message));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The dev host exited before it was ready (${code ?? signal}).`));
    });
  }).catch(async (error: unknown) => {
    await stop(2_000);
    throw error;
  });
  return { kind: "dev-host", process: child, url: ready.url, routePrefix: ready.routePrefix, functions: ready.functions, exited, stop };
}

export async function startFuncProcess(options: {
  readonly func: string;
  readonly projectRoot: string;
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
  readonly startTimeoutMs?: number;
}): Promise<AppProcess> {
  // Its own process group: Core Tools starts the Functions host and a Node.js worker, all stopped together.
  const child = spawn(options.func, ["start", "--port", String(options.port)], {
    cwd: options.projectRoot,
    env: options.env,
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const exited = watchExit(child);
  const stop = stopper(child, exited, true);
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  for (;;) {
    if (hasExited) throw new Error("func start exited before the host was running.");
    if (Date.now() > deadline) {
      await stop(2_000);
      throw new Error("func start did not get the host running in time.");
    }
    const state = await fetch(`${url}/admin/host/status`, { signal: AbortSignal.timeout(2_000) })
      .then(async (response) => (response.ok ? ((await response.json()) as { state?: string }).state : undefined))
      .catch(() => undefined);
    if (state === "Running") break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const { routePrefix } = await readHostJson(options.projectRoot);
  return { kind: "func", process: child, url, routePrefix, functions: [], exited, stop };
}
