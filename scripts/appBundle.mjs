// Bundles a Functions app entry point the way the deployed app is built: ESM with code splitting, so that
// each SDK is loaded when a function first needs it, and the dashboard's browser code inlined. Used by
// scripts/build.mjs for the app itself and by tests that serve the app with an added resource.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** The package version, inlined as the health report's releaseId. */
export async function releaseId() {
  const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
  return version;
}

/** The dashboard's browser code, bundled with @azure/web-pubsub-client, as an esbuild plugin serving `virtual:dashboard-client`. */
export async function dashboardClientPlugin() {
  const dashboardClient = await build({
    entryPoints: [join(root, "src/dashboard/client/main.ts")],
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    target: ["chrome120", "firefox120", "safari16"],
    minify: true,
    logLevel: "warning",
    legalComments: "none",
  });
  return {
    name: "dashboard-client",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^virtual:dashboard-client$/ }, () => ({ path: "dashboard-client", namespace: "dashboard-client" }));
      pluginBuild.onLoad({ filter: /.*/, namespace: "dashboard-client" }, () => ({
        contents: dashboardClient.outputFiles[0].text,
        loader: "text",
      }));
    },
  };
}

/** Bundles `entry` (a module that registers the app's functions) into `outdir/index.js` and its chunks. */
export async function bundleFunctionsApp({ entry, outdir, dashboardPlugin }) {
  await build({
    platform: "node",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    define: { __RELEASE_ID__: JSON.stringify(await releaseId()) },
    plugins: [dashboardPlugin ?? (await dashboardClientPlugin())],
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    // @azure/functions-core is provided by the Functions worker (or the dev host) at run time.
    // @azure/functions stays a package so that the app and the host share one copy of the library.
    external: ["@azure/functions-core", "@azure/functions"],
    // Bundled CommonJS dependencies call require(); give the ESM bundle a real one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    chunkNames: "chunks/[name]-[hash]",
  });
}
