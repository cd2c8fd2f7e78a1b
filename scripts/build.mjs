// Builds everything into dist/ (azd runs this as `npm run build` before it zips the package):
// - dist/app: the Functions app, bundled with code splitting so that each SDK is loaded when a function
//   first needs it (cold start pays only for @azure/functions and the registrations);
// - dist/deploy: the package azd deploys (azure.yaml `dist`): dist/app, host.json, package.json and the
//   production dependencies only (scripts/deploymentPackage.mjs);
// - dist/cli: the CLI, one self-contained bundle;
// - dist/src, dist/local, dist/bench: plain transpiled modules for the dev host, the local stack and the benchmarks.
import { build } from "esbuild";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { bundleFunctionsApp, nodeBuildOptions } from "./appBundle.mjs";
import { stageDeploymentPackage } from "./deploymentPackage.mjs";

const root = new URL("..", import.meta.url).pathname;

async function listTs(dir) {
  const out = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      out.push(join(entry.parentPath ?? entry.path, entry.name));
    }
  }
  return out;
}

await rm(join(root, "dist"), { recursive: true, force: true });

const common = await nodeBuildOptions();

await bundleFunctionsApp({ entry: join(root, "src/index.ts"), outdir: join(root, "dist/app") });

// The CLI (`identity-probe`, package.json bin): one bundle built on the same probe engine, with its SDKs inside,
// so that it needs no node_modules (the package's only production dependency is the Functions library).
await build({
  ...common,
  entryPoints: { "identity-probe": join(root, "src/cli/main.ts") },
  outdir: join(root, "dist/cli"),
  bundle: true,
  format: "esm",
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

await stageDeploymentPackage({ root, outDir: join(root, "dist/deploy") });

const transpiled = [...(await listTs("src")), ...(await listTs("local")), ...(await listTs("bench"))];
await build({
  ...common,
  entryPoints: transpiled,
  outdir: join(root, "dist"),
  outbase: root,
  bundle: false,
  format: "esm",
});
