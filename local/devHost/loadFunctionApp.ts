// Loads the app the way the Node.js worker does at startup (src/startApp.ts, src/loadScriptFile.ts):
// package.json `main` names the entry point, relative to the app root; it is imported as an ES module when
// it ends in .mjs or package.json says "type": "module", else required. Importing it runs the app's
// registrations. A failure is reported with the worker's words: `Worker was unable to load entry point …`.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { FunctionsSystemError } from "./functionsSystemError.js";
import type { WorkerAppState } from "./workerAppState.js";

const packageJsonSchema = z.looseObject({ main: z.string().optional(), type: z.string().optional() });

export async function loadFunctionApp(state: WorkerAppState, appRoot: string): Promise<{ readonly entryPoint: string }> {
  let packageJson: z.infer<typeof packageJsonSchema>;
  try {
    packageJson = packageJsonSchema.parse(JSON.parse(await readFile(join(appRoot, "package.json"), "utf8")));
  } catch (error) {
    throw new FunctionsSystemError(`Worker failed to load package.json in ${appRoot}: ${(error as Error).message}`);
  }
  const main = packageJson.main;
  if (!main)
    throw new FunctionsSystemError(
      `package.json in ${appRoot} has no "main": it must name the app's entry point (e.g. dist/app/index.cjs).`,
    );
  const entryPoint = resolve(appRoot, main);
  if (!existsSync(entryPoint)) {
    throw new FunctionsSystemError(`Worker was unable to load entry point "${main}": File does not exist (run npm run build?)`);
  }
  const isEsModule = entryPoint.endsWith(".mjs") || (!entryPoint.endsWith(".cjs") && packageJson.type === "module");
  state.currentEntryPoint = entryPoint;
  try {
    if (isEsModule) await import(/* @vite-ignore */ pathToFileURL(entryPoint).href);
    else createRequire(entryPoint)(entryPoint);
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    throw new FunctionsSystemError(`Worker was unable to load entry point "${main}": ${cause.message}`, { cause });
  } finally {
    state.currentEntryPoint = undefined;
  }
  return { entryPoint };
}
