// `npm run host`: serves the built app with the environment as given and no emulators.
//   node dist/local/devHost/main.js [--app-root DIR] [--port N] [--host ADDRESS]
// PORT (default 7071) and LOCAL_FUNCTION_KEY (default: generated, printed) come from the environment.
// When started with an IPC channel (by the local stack), it reports `ready`/`failed` over it and shuts down
// when the channel closes, so it never outlives its parent.
import { parseArgs } from "node:util";
import { PortInUseError } from "./portInUseError.js";
import type { DevHostFailedMessage, DevHostReadyMessage } from "./devHostMessages.js";
import { functionListing } from "./functionListing.js";
import { startDevHost, type DevHost } from "./startDevHost.js";

const shutdownTimeoutMs = 10_000;

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new Error(`PORT must be a number from 0 to 65535, not "${text}".`);
  return port;
}

function send(message: DevHostReadyMessage | DevHostFailedMessage): void {
  if (process.send && process.connected) process.send(message);
}

async function main(): Promise<void> {
  let values: { "app-root"?: string; port?: string; host?: string } = {};
  let devHost: DevHost;
  try {
    ({ values } = parseArgs({
      options: { "app-root": { type: "string" }, port: { type: "string" }, host: { type: "string" } },
      allowPositionals: false,
    }));
    const port = parsePort(values.port ?? process.env.PORT ?? "7071");
    devHost = await startDevHost({
      appRoot: values["app-root"] ?? process.cwd(),
      port,
      host: values.host ?? "127.0.0.1",
      ...(process.env.LOCAL_FUNCTION_KEY ? { functionKey: process.env.LOCAL_FUNCTION_KEY } : {}),
      shutdownTimeoutMs,
    });
  } catch (error) {
    const isPortInUse = error instanceof PortInUseError;
    const message = isPortInUse ? error.message : `dev host failed to start: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`${message}\n`);
    send({ type: "failed", message, isPortInUse });
    process.exit(1);
  }

  // Under the local stack (an IPC parent), the stack prints the listing with everything else.
  if (!process.send)
    process.stdout.write(
      [
        "",
        `Functions (dev host, serving ${values["app-root"] ?? process.cwd()}):`,
        "",
        ...functionListing(devHost.functions),
        "",
        `Function key (x-functions-key header or ?code=): ${devHost.functionKey}`,
        `Admin API: GET ${devHost.url}/admin/functions, POST ${devHost.url}/admin/functions/{name} (same key)`,
        "",
      ].join("\n") + "\n",
    );
  send({
    type: "ready",
    url: devHost.url,
    functionKey: devHost.functionKey,
    routePrefix: devHost.routePrefix,
    functions: devHost.functions,
  });

  let isStopping = false;
  const stop = (why: string): void => {
    if (isStopping) return;
    isStopping = true;
    process.stdout.write(`Stopping the dev host (${why})…\n`);
    // The deadline covers a hung appTerminate hook or invocation: the process ends either way.
    setTimeout(() => {
      process.stderr.write(`The dev host did not stop within ${shutdownTimeoutMs + 2_000} ms; exiting.\n`);
      process.exit(1);
    }, shutdownTimeoutMs + 2_000).unref();
    devHost.close().then(
      // As the worker does after its appTerminate hooks (terminateWorker): the process ends here.
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`The dev host did not stop cleanly: ${(error as Error)?.message ?? String(error)}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal));
  if (process.send) process.on("disconnect", () => stop("parent process went away"));
}

await main();
