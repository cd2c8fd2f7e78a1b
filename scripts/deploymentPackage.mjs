// Stages the folder azd deploys (azure.yaml `dist: dist/deploy`, zipped as the package root with remote build
// off): exactly what runs in Azure and nothing else —
// - dist/app: the bundled Functions app, without source maps;
// - host.json;
// - package.json: what the Functions host and Node read (`main`, `type`, `engines`) and the production
//   dependencies, with no scripts (nothing is built in Azure) and no devDependencies;
// - node_modules: the production dependencies exactly as package-lock.json pins them (the entries that
//   `npm ci --omit=dev` installs: every entry not marked `dev`), copied from the project's node_modules so the
//   build needs no registry. test/integration/deploymentPackage.test.ts checks the result against npm's own
//   production install.
import { cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";

/** package.json fields the deployed app keeps; everything else (scripts, bin, devDependencies) stays behind. */
const keptFields = ["name", "version", "description", "license", "private", "type", "main", "engines", "dependencies"];

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function stageDeploymentPackage({ root, outDir }) {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  await cp(join(root, "dist/app"), join(outDir, "dist/app"), {
    recursive: true,
    filter: (source) => !source.endsWith(".map"),
  });
  await cp(join(root, "host.json"), join(outDir, "host.json"));

  const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
  const deployed = Object.fromEntries(keptFields.filter((field) => field in manifest).map((field) => [field, manifest[field]]));
  await writeFile(join(outDir, "package.json"), `${JSON.stringify(deployed, null, 2)}\n`);

  // npm's omit rules (@npmcli/arborist): --omit=dev skips `dev` entries; `devOptional` and `optional` ones stay
  // (an optional one only when it is installed on this platform).
  const lock = JSON.parse(await readFile(join(root, "package-lock.json"), "utf8"));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!path.startsWith("node_modules/") || entry.dev || entry.link) continue;
    const source = join(root, path);
    if (!(await exists(source))) {
      if (entry.optional) continue;
      throw new Error(`${path} (a production dependency in package-lock.json) is not installed: run npm ci first.`);
    }
    // Nested node_modules are lock entries of their own: copied (or not) by their own entry.
    await cp(source, join(outDir, path), {
      recursive: true,
      filter: (item) => item === source || basename(item) !== "node_modules",
    });
  }
}
