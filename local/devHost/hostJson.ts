// The parts of host.json the dev host honours: `extensions.http.routePrefix` (default "api", "" for
// none) and the log level (`logging.logLevel.Function`, else `.default`, else Information).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { RpcLogLevel } from "./functionsCoreTypes.js";

export interface HostSettings {
  readonly routePrefix: string;
  readonly minimumLogLevel: RpcLogLevel;
}

const logLevelNames: Record<string, RpcLogLevel> = {
  trace: "trace",
  debug: "debug",
  information: "information",
  warning: "warning",
  error: "error",
  critical: "critical",
  none: "none",
};

const hostJsonSchema = z.looseObject({
  extensions: z.looseObject({ http: z.looseObject({ routePrefix: z.string().optional() }).optional() }).optional(),
  logging: z.looseObject({ logLevel: z.record(z.string(), z.string()).optional() }).optional(),
});

export async function readHostJson(appRoot: string): Promise<HostSettings> {
  const path = join(appRoot, "host.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return { routePrefix: "api", minimumLogLevel: "information" };
  }
  let parsed: z.infer<typeof hostJsonSchema>;
  try {
    parsed = hostJsonSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new Error(`${path} is not valid: ${(error as Error).message}`, { cause: error });
  }
  const routePrefix = (parsed.extensions?.http?.routePrefix ?? "api").replace(/^\/+|\/+$/g, "");
  const levels = parsed.logging?.logLevel ?? {};
  const configured = levels.Function ?? levels.function ?? levels.default ?? "Information";
  return { routePrefix, minimumLogLevel: logLevelNames[configured.toLowerCase()] ?? "information" };
}
