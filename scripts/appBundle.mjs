// Bundles a Functions app entry point the way the deployed app is built: ESM with code splitting, so that
// each SDK is loaded when a function first needs it, and the dashboard's browser code inlined. Used by
// scripts/build.mjs for the app itself and by tests that serve the app with an added resource.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** The package version, inlined as the health report's releaseId. */
async function releaseId() {
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

/** What an import() in the entry's graph becomes: the name of the ES module it loads, relative to the output folder. */
function lazyModuleName(path) {
  return relative(root, path)
    .replace(/^src\//, "")
    .replace(/\.[cm]?[jt]s$/, "");
}

/**
 * Bundles `entry` (a module that registers the app's functions) into `outdir/index.cjs`, and every module it
 * loads with import() into ES modules beside it, with their shared code split into `outdir/chunks`.
 *
 * The entry is CommonJS because registration is the cold start: the Node.js worker require()s a .cjs entry
 * point, and @azure/functions (CommonJS) loads in about a third of the time an ES module import of it takes;
 * an ES module entry would also start Node's ES module loader before the first registration. Everything else
 * stays ES modules, loaded on first use: each import() in the entry's graph is kept as an import() of the ES
 * module built for it. A module must not be both: one reached by a static import as well would exist twice,
 * with two copies of its state, and the build refuses it.
 */
/**
 * Modules the registration calls only sometimes, each built into a CommonJS file of its own and required the
 * first time one of its exports is called. src/shared/ncrontab.ts brings croner (about 40 KB of source that V8
 * parses whether or not it runs): registration needs it only for a schedule other than the default.
 */
const requiredOnDemand = [join(root, "src/shared/ncrontab.ts")];

/** Builds each on-demand module into `outdir/<name>.cjs`; returns its exports' names, by source path. */
async function buildOnDemand(common, outdir) {
  const exportsByPath = new Map();
  for (const path of requiredOnDemand) {
    const name = lazyModuleName(path);
    // esbuild's metafile names a module's exports for ES module output only: ask it that way, then build CommonJS.
    const probe = await build({ ...common, entryPoints: [path], outdir, format: "esm", metafile: true, write: false, sourcemap: false });
    const exports = Object.values(probe.metafile.outputs).find((candidate) => candidate.entryPoint !== undefined)?.exports ?? [];
    await build({ ...common, entryPoints: { [name]: path }, outdir, outExtension: { ".js": ".cjs" }, format: "cjs" });
    exportsByPath.set(path, { name, exports });
  }
  return exportsByPath;
}

/** An esbuild plugin: imports of the on-demand modules become stubs that require the module's file when called. */
function onDemandPlugin(exportsByPath) {
  return {
    name: "required-on-demand",
    setup(pluginBuild) {
      // The stub's require() of the module's own file, beside the entry point at run time.
      pluginBuild.onResolve({ filter: /\.cjs$/, namespace: "on-demand" }, (args) => ({ path: args.path, external: true }));
      pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== "import-statement" || args.namespace === "on-demand") return undefined;
        const resolved = await pluginBuild.resolve(args.path, {
          kind: "require-call",
          resolveDir: args.resolveDir,
          importer: args.importer,
        });
        return exportsByPath.has(resolved.path) ? { path: resolved.path, namespace: "on-demand" } : undefined;
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: "on-demand" }, (args) => {
        const { name, exports } = exportsByPath.get(args.path);
        const stubs = exports.map((exported) => `export function ${exported}(...args) { return load().${exported}(...args); }`);
        return { contents: `let loaded;\nconst load = () => (loaded ??= require("./${name}.cjs"));\n${stubs.join("\n")}\n`, loader: "js" };
      });
    },
  };
}

/** What every esbuild run of the project shares: Node 20, source maps, and the health report's releaseId. */
export async function nodeBuildOptions() {
  return {
    platform: "node",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    define: { __RELEASE_ID__: JSON.stringify(await releaseId()) },
  };
}

export async function bundleFunctionsApp({ entry, outdir, dashboardPlugin }) {
  const lazyModules = new Map();
  const common = {
    ...(await nodeBuildOptions()),
    bundle: true,
    // @azure/functions-core is provided by the Functions worker (or the dev host) at run time.
    // @azure/functions stays a package so that the app and the host share one copy of the library.
    external: ["@azure/functions-core", "@azure/functions"],
  };
  const registration = await build({
    ...common,
    entryPoints: { index: entry },
    outdir,
    outExtension: { ".js": ".cjs" },
    format: "cjs",
    metafile: true,
    plugins: [
      onDemandPlugin(await buildOnDemand(common, outdir)),
      {
        name: "lazy-es-modules",
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
            if (args.kind !== "dynamic-import") return undefined;
            const resolved = await pluginBuild.resolve(args.path, {
              kind: "import-statement",
              resolveDir: args.resolveDir,
              importer: args.importer,
            });
            if (resolved.errors.length > 0) return { errors: resolved.errors };
            const name = lazyModuleName(resolved.path);
            lazyModules.set(name, resolved.path);
            return { path: `./${name}.js`, external: true };
          });
        },
      },
    ],
  });
  const bundledIntoEntry = new Set(Object.keys(registration.metafile.inputs).map((input) => join(root, input)));
  const twice = [...lazyModules.values()].filter((path) => bundledIntoEntry.has(path));
  if (twice.length > 0) {
    throw new Error(
      `${twice.map((path) => relative(root, path)).join(", ")}: loaded with import() and also imported statically by the registration; import it one way only.`,
    );
  }
  await build({
    ...common,
    plugins: [dashboardPlugin ?? (await dashboardClientPlugin())],
    entryPoints: Object.fromEntries(lazyModules),
    outdir,
    splitting: true,
    format: "esm",
    // Minified: V8 keeps every loaded module's source text, and parses all of it; the SDKs are megabytes.
    // Names are kept: errors and credentials are told apart by their classes' names (and source maps stay).
    minify: true,
    keepNames: true,
    // Bundled CommonJS dependencies call require(); give the ESM bundle a real one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    chunkNames: "chunks/[name]-[hash]",
  });
}
