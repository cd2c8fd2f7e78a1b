// What `azd deploy` ships: the folder azure.yaml names as the package root (`dist:`), built by `npm run build`
// exactly as azd runs it. It must be small, hold only the bundled app, host.json, package.json and the
// production dependencies, and — with nothing but the production dependencies that npm itself installs from
// package-lock.json — load in a Functions host, register every function and serve a report.
import { cp, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredFunctionInfo } from "../../local/devHost/startDevHost.js";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import {
  call,
  ensureBuilt,
  projectRoot,
  realAppEnvironment,
  runProcess,
  startChildDevHost,
  testFunctionKey,
  type ChildDevHost,
} from "../fixtures/devHost.js";
import { startTestAzurite, startTestIdentityEndpoint, type TestAzurite } from "../fixtures/localServices.js";

/** The whole package, files and production dependencies: a figure far below the 74 MB of the project folder azd used to zip. */
const maxPackageBytes = 10 * 1024 * 1024;
const maxPackageFiles = 500;

async function filesUnder(dir: string): Promise<{ path: string; bytes: number }[]> {
  const files: { path: string; bytes: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.push({ path: relative(dir, full).split(sep).join("/"), bytes: (await stat(full)).size });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** `name@version` of every package installed under `root/node_modules`, nested ones included. */
async function installedPackages(root: string): Promise<string[]> {
  const packages: string[] = [];
  for (const file of await filesUnder(join(root, "node_modules"))) {
    // A package's own manifest: node_modules/<name>/package.json or node_modules/@scope/<name>/package.json.
    if (!/(^|\/)node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(`node_modules/${file.path}`)) continue;
    const manifest = JSON.parse(await readFile(join(root, "node_modules", file.path), "utf8")) as { name: string; version: string };
    packages.push(`${file.path.replace(/\/package\.json$/, "")} ${manifest.name}@${manifest.version}`);
  }
  return packages.sort();
}

/** The registered functions as the dev host lists them, by name. */
async function registeredFunctions(host: ChildDevHost): Promise<RegisteredFunctionInfo[]> {
  const listed = (await call(`${host.url}/admin/functions`, { headers: { "x-functions-key": testFunctionKey } })).json<
    RegisteredFunctionInfo[]
  >();
  return listed.sort((a, b) => a.name.localeCompare(b.name));
}

describe("the deployment package", () => {
  let azureYaml: string;
  let packageDir: string;
  let workDir: string;
  /** The package's app files with the production dependencies that `npm ci --omit=dev` installs, nothing else. */
  let npmInstalledDir: string;

  beforeAll(async () => {
    await ensureBuilt();
    azureYaml = await readFile(join(projectRoot, "azure.yaml"), "utf8");
    const dist = /^ {4}dist: (\S+)$/m.exec(azureYaml)?.[1];
    if (!dist) throw new Error("azure.yaml names no package folder (services.api.dist)");
    // A copy in a temporary folder: no node_modules above it, and untouched by a rebuild of dist/ during the run.
    workDir = await mkdtemp(join(tmpdir(), "identity-probe-package-"));
    packageDir = join(workDir, "package");
    await cp(join(projectRoot, dist), packageDir, { recursive: true });

    npmInstalledDir = join(workDir, "npm-installed");
    await cp(join(packageDir, "package.json"), join(npmInstalledDir, "package.json"));
    await cp(join(projectRoot, "package-lock.json"), join(npmInstalledDir, "package-lock.json"));
    // From the npm cache only (filled by `npm ci`): this test never reaches the registry.
    const install = await runProcess("npm", ["ci", "--omit=dev", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: npmInstalledDir,
      timeoutMs: 120_000,
    });
    if (install.exitCode !== 0)
      throw new Error(
        `npm ci --omit=dev --offline failed (run \`npm ci\` first to fill the npm cache):\n${install.stdout}\n${install.stderr}`,
      );
    await rm(join(npmInstalledDir, "package-lock.json"));
    await rm(join(npmInstalledDir, "node_modules/.package-lock.json"), { force: true });
    await cp(join(packageDir, "dist"), join(npmInstalledDir, "dist"), { recursive: true });
    await cp(join(packageDir, "host.json"), join(npmInstalledDir, "host.json"));
  }, 180_000);

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("is what azd zips as it is, whatever its version: a built folder, remote build off, azd 1.23.13 or newer", () => {
    // azd >= 1.23.5 reads remoteBuild; >= 1.23.12 infers it from .funcignore when unset; 1.23.13 fixed .funcignore parsing.
    expect(azureYaml).toMatch(/^requiredVersions:\n {2}azd: ">= 1\.23\.13"$/m);
    expect(azureYaml).toMatch(/^ {4}remoteBuild: false$/m);
    expect(azureYaml).toMatch(/^ {4}language: ts$/m);
  });

  it("has a .funcignore that azd >= 1.23.12 accepts with remoteBuild: false (it must not exclude node_modules)", async () => {
    const funcignore = (await readFile(join(projectRoot, ".funcignore"), "utf8")).split("\n").map((line) => line.trim());
    expect(funcignore.filter((line) => /^\/?node_modules\/?(\*\*)?$/.test(line))).toEqual([]);
  });

  it(`holds only dist/app, host.json, package.json and production dependencies, in less than ${maxPackageBytes / 1024 / 1024} MB`, async () => {
    const files = await filesUnder(packageDir);
    const outside = files.filter((file) => !/^(dist\/app\/.+\.c?js|host\.json|package\.json|node_modules\/.+)$/.test(file.path));
    expect(outside.map((file) => file.path)).toEqual([]);
    // The app as built: bundled JavaScript, no sources and no source maps (dependencies ship as npm publishes them).
    const appFiles = files.filter((file) => file.path.startsWith("dist/"));
    expect(appFiles.filter((file) => !/\.c?js$/.test(file.path)).map((file) => file.path)).toEqual([]);
    const bytes = files.reduce((total, file) => total + file.bytes, 0);
    expect(bytes).toBeLessThan(maxPackageBytes);
    expect(files.length).toBeLessThan(maxPackageFiles);
    expect(await readFile(join(packageDir, "host.json"), "utf8")).toBe(await readFile(join(projectRoot, "host.json"), "utf8"));
  });

  it("has a package.json with the app's entry point and production dependencies, and nothing to build or run", async () => {
    const deployed = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as Record<string, unknown>;
    const project = JSON.parse(await readFile(join(projectRoot, "package.json"), "utf8")) as Record<string, unknown>;
    expect(deployed).toMatchObject({ main: "dist/app/index.cjs", type: "module", dependencies: project.dependencies });
    expect(deployed).not.toHaveProperty("scripts");
    expect(deployed).not.toHaveProperty("devDependencies");
  });

  it("holds exactly the production dependencies that npm ci --omit=dev installs from package-lock.json", async () => {
    const npmInstalled = await installedPackages(npmInstalledDir);
    expect(npmInstalled.length).toBeGreaterThan(0);
    expect(await installedPackages(packageDir)).toEqual(npmInstalled);
  });

  it("cannot reach a development dependency: the bundle carries its SDKs", () => {
    const resolveFrom = createRequire(join(npmInstalledDir, "package.json"));
    expect(resolveFrom.resolve("@azure/functions")).toContain(npmInstalledDir);
    for (const devDependency of ["@azure/identity", "@azure/storage-blob", "zod", "azurite", "typescript", "vitest"])
      expect(() => resolveFrom.resolve(devDependency), devDependency).toThrow();
  });

  it("loads every module of the bundle with only the production dependencies", async () => {
    // The entry point (index.cjs) is loaded by a host below; the rest is what the lazy handlers import on first use.
    const app = join(npmInstalledDir, "dist/app");
    const modules = (await filesUnder(app))
      .map((file) => file.path)
      .filter((path) => /\.c?js$/.test(path) && path !== "index.cjs")
      .map((path) => join(app, path));
    expect(modules.length).toBeGreaterThan(1);
    const script = `for (const file of JSON.parse(process.argv[1])) await import(new URL("file://" + file).href); console.log("loaded");`;
    const result = await runProcess(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(modules)], {
      cwd: npmInstalledDir,
      env: { ...process.env, NODE_PATH: "" },
      timeoutMs: 60_000,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("loaded");
  });

  describe("served by a Functions host", () => {
    let identityEndpoint: IdentityEndpoint;
    let azurite: TestAzurite;
    let deployedHost: ChildDevHost;
    let sourceHost: ChildDevHost;

    beforeAll(async () => {
      [identityEndpoint, azurite] = await Promise.all([startTestIdentityEndpoint(), startTestAzurite()]);
      const env = { ...realAppEnvironment(identityEndpoint, azurite.blobEndpoint), NODE_PATH: "" };
      deployedHost = await startChildDevHost({ appRoot: npmInstalledDir, env });
      sourceHost = await startChildDevHost({ appRoot: projectRoot, env });
    }, 120_000);
    afterAll(async () => {
      await Promise.all([deployedHost?.stop(), sourceHost?.stop()]);
      await Promise.all([azurite?.close(), identityEndpoint?.close()]);
    });

    it("registers every function the app registers, with the same bindings", async () => {
      const deployed = await registeredFunctions(deployedHost);
      const source = await registeredFunctions(sourceHost);
      expect(deployed.map((info) => info.name)).toEqual(
        expect.arrayContaining(["healthIdentity", "identityProbe", "quantumJobs", "dashboard"]),
      );
      const bindings = (functions: RegisteredFunctionInfo[]) =>
        functions.map(({ name, triggerType, http, timer }) => ({
          name,
          triggerType,
          http: http && { route: http.route, methods: http.methods, authLevel: http.authLevel },
          timer: timer && { schedule: timer.schedule, runOnStartup: timer.runOnStartup },
        }));
      expect(bindings(deployed)).toEqual(bindings(source));
    });

    it("serves a health report through the bundled SDKs: tokens from the identity endpoint and a storage call", async () => {
      const response = await call(`${deployedHost.url}/api/health/identity/details`, { headers: { "x-functions-key": testFunctionKey } });
      expect(response.headers.get("content-type")).toBe("application/health+json");
      const report = response.json<{ status: string; checks: Record<string, { status: string }[]> }>();
      expect(report.checks["storage:token"]?.[0]?.status).toBe("pass");
      expect(report.checks["storage:access"]?.[0]?.status).toBe("pass");
      expect(response.status).toBe(200);
    });
  });
});
