// Starts real Azurite (the npm package) for the blob service: HTTPS with a certificate from the local CA,
// `--oauth basic` so the app's bearer tokens are checked (issuer, audience, lifetime), telemetry off so
// nothing leaves the machine, a port the OS picks, and a workspace folder of the caller's choosing.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { mkdir } from "node:fs/promises";

/** Azurite's development account: a published, well-known name, not a secret of ours. */
export const azuriteAccountName = "devstoreaccount1";
/** Azurite's development account key, published in Azurite's README: it signs local SAS URIs only. */
export const azuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteOptions {
  /** Workspace folder for Azurite's data. */
  readonly location: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly host?: string;
  readonly port?: number;
  /** Deadline for Azurite to start listening. */
  readonly startTimeoutMs?: number;
  /** Where Azurite's own output goes; by default it is dropped once started. */
  readonly onOutput?: (line: string) => void;
}

export interface Azurite {
  /** The blob service endpoint including the account, as AZURE_STORAGE_BLOB_ENDPOINT wants it. */
  readonly blobEndpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  close(): Promise<void>;
}

function azuriteBlobEntry(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve("azurite/package.json");
  return join(dirname(packageJson), "dist", "src", "blob", "main.js");
}

export async function startAzurite(options: AzuriteOptions): Promise<Azurite> {
  await mkdir(options.location, { recursive: true });
  const host = options.host ?? "127.0.0.1";
  const args = [
    azuriteBlobEntry(),
    "--blobHost",
    host,
    "--blobPort",
    String(options.port ?? 0),
    "--location",
    options.location,
    "--cert",
    options.certPath,
    "--key",
    options.keyPath,
    "--oauth",
    "basic",
    "--disableTelemetry",
    // The SDK may be newer than this Azurite's list of service versions; the wire protocol is the same.
    "--skipApiVersionCheck",
    "--silent",
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });

  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`Azurite did not start within ${options.startTimeoutMs ?? 30_000} ms. Output:\n${output.slice(-2000)}`));
    }, options.startTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString("utf8");
      output += text;
      for (const line of text.split(/\r?\n/)) if (line.trim()) options.onOutput?.(line);
      const match = /(?:listening at|listens on) https?:\/\/\S+:(\d+)/i.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited before listening (code ${code}, signal ${signal}). Output:\n${output.slice(-2000)}`));
    });
  });
  // Keep draining output so a chatty Azurite never blocks on a full pipe.
  child.stdout?.on("data", () => undefined);
  child.stderr?.on("data", () => undefined);

  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  return {
    blobEndpoint: `https://${hostForUrl}:${port}/${azuriteAccountName}`,
    port,
    process: child,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      });
    },
  };
}
