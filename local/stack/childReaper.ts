// Guarantees that the stack's child processes (Azurite, the app) never outlive it, even when the stack
// is killed with SIGKILL and runs no shutdown code. A small watcher process holds the read end of a pipe
// from the stack; the OS closes that pipe whenever the stack exits, for any reason, and the watcher then
// stops every process it was told about. (Node children started with an IPC channel also stop themselves
// when it closes; Azurite and `func` have no such channel.)
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ChildReaper {
  readonly pid: number;
  /** Stop `pid` (its whole process group with `isGroup`) when the stack goes away. */
  watch(pid: number | undefined, options?: { isGroup?: boolean }): void;
  release(pid: number | undefined): void;
  /** Ends the watch: anything still alive is stopped now; resolves when the watcher has exited. */
  close(): Promise<void>;
}

export function startChildReaper(): ChildReaper {
  const script = fileURLToPath(new URL("./childReaperProcess.js", import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ["pipe", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // The watcher must not be a reason for the stack to stay alive; the pipe keeps working unreferenced.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const send = (line: string): void => {
    if (child.stdin && !child.stdin.destroyed && child.stdin.writable) child.stdin.write(`${line}\n`);
  };
  return {
    pid: child.pid ?? -1,
    watch(pid, options = {}) {
      if (pid) send(`${options.isGroup ? "watch-group" : "watch"} ${pid}`);
    },
    release(pid) {
      if (pid) send(`release ${pid}`);
    },
    async close() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
