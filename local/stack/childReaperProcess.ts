// The child reaper's own process (see childReaper.ts). It reads `watch <pid>`, `watch-group <pid>` and
// `release <pid>` lines on stdin. When stdin ends — the stack closed it, or the stack died and the OS
// closed it — every watched process still alive gets SIGTERM, then SIGKILL after a grace period.
// Ctrl-C and a closed terminal reach this process too: it ignores them and waits for stdin to end, so the
// stack's own orderly shutdown goes first.
const gracePeriodMs = 5_000;
const watched = new Map<number, boolean>();

function isAlive(pid: number, isGroup: boolean): boolean {
  try {
    process.kill(isGroup ? -pid : pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signal(pid: number, isGroup: boolean, name: NodeJS.Signals): void {
  try {
    process.kill(isGroup ? -pid : pid, name);
  } catch {
    // Already gone.
  }
}

let isReaping = false;
async function reap(): Promise<void> {
  if (isReaping) return;
  isReaping = true;
  const alive = (): [number, boolean][] => [...watched].filter(([pid, isGroup]) => isAlive(pid, isGroup));
  for (const [pid, isGroup] of alive()) signal(pid, isGroup, "SIGTERM");
  const deadline = Date.now() + gracePeriodMs;
  while (alive().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const [pid, isGroup] of alive()) signal(pid, isGroup, "SIGKILL");
  process.exit(0);
}

for (const name of ["SIGINT", "SIGHUP"] as const) process.on(name, () => undefined);

let buffer = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  buffer += chunk;
  let newline = buffer.indexOf("\n");
  while (newline !== -1) {
    const [command, pidText] = buffer.slice(0, newline).trim().split(/\s+/);
    buffer = buffer.slice(newline + 1);
    newline = buffer.indexOf("\n");
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (command === "watch") watched.set(pid, false);
    else if (command === "watch-group") watched.set(pid, true);
    else if (command === "release") watched.delete(pid);
  }
});
process.stdin.on("end", () => void reap());
process.stdin.on("error", () => void reap());
