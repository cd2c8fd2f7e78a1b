// infra/: the templates build and lint without a single warning under infra/bicepconfig.json, the linter
// really treats the security rules as errors, and the compiled ARM JSON holds no key-listing function, no
// role broader than DESIGN section 5 and no secret-looking output. Also checks azure.yaml and the azd
// parameters file against the template.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bicepAvailability, infraDir, mainBicep, repoRoot, requireBicep, runBicep, type BicepCli } from "../fixtures/bicep.js";
import { isJsonObject, type Json, type JsonObject } from "./armSnapshot.js";

const { cli: foundCli, skip } = bicepAvailability();

/** Built-in roles DESIGN section 5 allows (plus what the Quantum workspace and the alert rules need). */
const allowedRoleIds = new Set([
  "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
  "ba92f5b4-2d11-453d-a403-e96b0029c9fe", // Storage Blob Data Contributor
  "12cf5a90-567b-43ae-8102-96cf46c7d9b4", // Web PubSub Service Owner
  "c1410b24-3e69-4857-8f86-4d0a2e603250", // Quantum Workspace Data Contributor
  "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor (Quantum workspace, only with grantQuantumContributor)
  "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
  "17d1049b-9a84-46fb-8f53-869881c3d3ab", // Storage Account Contributor (the Quantum workspace on its linked storage)
  "acdd72a7-3385-48ef-bd42-f606fba81ae7", // Reader (app identities on the resource group; alert rules on the component)
]);
const readerRoleId = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const forbiddenRoleIds = [
  "8e3af657-a8ff-443c-a57c-2fe08c4dcb35", // Owner
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", // User Access Administrator
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168", // Role Based Access Control Administrator
];

const securityRules = [
  "outputs-should-not-contain-secrets",
  "use-secure-value-for-secure-inputs",
  "secure-parameter-default",
  "secure-secrets-in-params",
  "secure-params-in-nested-deploy",
  "no-hardcoded-env-urls",
  "no-unused-params",
  "no-unused-vars",
  "use-stable-resource-identifiers",
  "adminusername-should-not-be-literal",
  "protect-commandtoexecute-secrets",
  "prefer-interpolation",
  "use-resource-id-functions",
  "use-parent-property",
  "no-unnecessary-dependson",
];

interface TemplateResource {
  type: string;
  name: string;
  scope?: string;
  condition?: Json;
  properties?: JsonObject;
}

interface TemplateNode {
  path: string;
  template: JsonObject;
  resources: TemplateResource[];
}

/** Every template in the compiled file: main and each module's nested template, depth first. */
function templates(root: JsonObject, path = "main"): TemplateNode[] {
  const raw = root.resources;
  const list: Json[] = Array.isArray(raw) ? raw : isJsonObject(raw) ? Object.values(raw) : [];
  const resources: TemplateResource[] = list.filter(isJsonObject).map((item) => item as unknown as TemplateResource); // type/name always present in compiled ARM
  const nodes: TemplateNode[] = [{ path, template: root, resources }];
  for (const resource of resources) {
    const nested = resource.properties?.template;
    if (resource.type === "Microsoft.Resources/deployments" && isJsonObject(nested)) {
      nodes.push(...templates(nested, `${path}/${resource.name}`));
    }
  }
  return nodes;
}

function diagnosticsIn(output: string): string[] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /\b(Warning|Error|Info)\b/.test(line));
}

describe.skipIf(skip)("infra templates (bicep build / lint)", () => {
  let cli: BicepCli;
  let outDir: string;
  let compiledText: string;
  let compiled: JsonObject;

  beforeAll(async () => {
    cli = requireBicep(foundCli);
    outDir = await mkdtemp(join(tmpdir(), "identity-probe-build-"));
    const build = await runBicep(cli, ["build", mainBicep, "--outdir", outDir]);
    expect(build.code, `bicep build failed:\n${build.stderr}`).toBe(0);
    expect(diagnosticsIn(`${build.stdout}\n${build.stderr}`), "bicep build must be warning-free").toEqual([]);
    compiledText = await readFile(join(outDir, "main.json"), "utf8");
    const parsed = JSON.parse(compiledText) as Json;
    if (!isJsonObject(parsed)) throw new Error("main.json is not an object");
    compiled = parsed;
  });

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("lints every .bicep file under infra/ without a warning or error", async () => {
    const lint = await runBicep(cli, ["lint", "--pattern", "infra/**/*.bicep"], { cwd: repoRoot });
    const output = `${lint.stdout}\n${lint.stderr}`;
    expect(diagnosticsIn(output), output).toEqual([]);
    expect(lint.code).toBe(0);
  });

  it("bicepconfig.json enables the core analyzer and makes the security rules errors", async () => {
    const config = JSON.parse(await readFile(join(infraDir, "bicepconfig.json"), "utf8")) as Json;
    const core = isJsonObject(config) && isJsonObject(config.analyzers) ? config.analyzers.core : undefined;
    expect(isJsonObject(core) && core.enabled).toBe(true);
    const rules = isJsonObject(core) && isJsonObject(core.rules) ? core.rules : {};
    for (const rule of securityRules) {
      const setting = rules[rule];
      expect(isJsonObject(setting) ? setting.level : undefined, rule).toBe("error");
    }
  });

  it("the linter, with this configuration, fails a template that outputs a key or hard-codes a cloud URL", async () => {
    const dir = await mkdtemp(join(tmpdir(), "identity-probe-lint-"));
    try {
      const bad = join(dir, "bad.bicep");
      await writeFile(
        bad,
        [
          "param name string",
          "resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {",
          "  name: name",
          "}",
          "output storageKey string = storage.listKeys().keys[0].value",
          "output portal string = 'https://management.core.windows.net/'",
          "",
        ].join("\n"),
      );
      const lint = await runBicep(cli, ["lint", bad, "--config", join(infraDir, "bicepconfig.json")]);
      const output = `${lint.stdout}\n${lint.stderr}`;
      expect(lint.code).not.toBe(0);
      expect(output).toMatch(/Error outputs-should-not-contain-secrets/);
      expect(output).toMatch(/Error no-hardcoded-env-urls/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("compiles to a subscription-scope template whose modules are all local (no registry modules)", async () => {
    expect(String(compiled.$schema)).toContain("subscriptionDeploymentTemplate");
    const source = await readFile(mainBicep, "utf8");
    const moduleRefs = [...source.matchAll(/^module\s+\w+\s+'([^']+)'/gm)].map((match) => match[1]);
    expect(moduleRefs.length).toBeGreaterThan(0);
    for (const ref of moduleRefs) expect(ref).toMatch(/^modules\/[\w-]+\.bicep$/);
  });

  it("never lists keys or connection strings", () => {
    expect(compiledText).not.toMatch(/\blist[A-Za-z]*\(/);
    expect(compiledText).not.toMatch(/AccountKey=|SharedAccessKey|primaryKey|InstrumentationKey/i);
  });

  it("assigns only the roles of DESIGN section 5, at resource scope (Reader alone at resource group scope), with deterministic names", () => {
    // The only GUIDs in the template are built-in role definition IDs (held in `roles` variables).
    const guids = [...compiledText.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)].map((match) => match[0].toLowerCase());
    expect(new Set(guids)).toEqual(allowedRoleIds);
    for (const forbidden of forbiddenRoleIds) expect(compiledText).not.toContain(forbidden);

    const nodes = templates(compiled);
    const assignments = nodes.flatMap((node) =>
      node.resources.filter((resource) => resource.type === "Microsoft.Authorization/roleAssignments").map((resource) => ({ node, resource })),
    );
    expect(assignments.length).toBeGreaterThanOrEqual(14);
    for (const { node, resource } of assignments) {
      const where = `${node.path}: ${resource.name}`;
      // Never in the subscription-scope template; an extension of one resource, except Reader on the app's group.
      expect(node.path, where).not.toBe("main");
      const roleDefinitionId = resource.properties?.roleDefinitionId;
      expect(roleDefinitionId, where).toMatch(/^\[subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', /);
      if (resource.scope === undefined) expect(String(roleDefinitionId), where).toContain("roles').reader");
      else expect(resource.scope, where).toMatch(/^\[resourceId\('Microsoft\.[A-Za-z]+\/[A-Za-z/]+', parameters\('\w+'\)/);
      expect(resource.name, where).toMatch(/^\[guid\(/);
      expect(resource.properties?.principalType, where).toBeDefined();
    }
  });

  it("has no subscription-wide grant, no resource-group-wide one but Reader, and no secure parameters to leak", () => {
    for (const node of templates(compiled)) {
      const parameters = isJsonObject(node.template.parameters) ? node.template.parameters : {};
      for (const [name, definition] of Object.entries(parameters)) {
        expect(isJsonObject(definition) ? definition.type : undefined, `${node.path}.${name}`).not.toMatch(/^secure/);
      }
    }
    expect(compiledText).not.toMatch(/"scope":\s*"\[(resourceGroup|subscription)\(\)/);
    expect(compiledText).toContain(readerRoleId);
  });

  it("outputs what azd and the CLI need, and nothing named like a secret", () => {
    const outputs = isJsonObject(compiled.outputs) ? compiled.outputs : {};
    const names = Object.keys(outputs);
    for (const required of [
      "AZURE_LOCATION",
      "AZURE_TENANT_ID",
      "AZURE_RESOURCE_GROUP",
      "AZURE_FUNCTION_APP_NAME",
      "SERVICE_API_NAME",
      "SERVICE_API_URI",
      "AZURE_STORAGE_BLOB_ENDPOINT",
      "AZURE_STORAGE_CONTAINER",
      "PROBE_HISTORY_CONTAINER",
      "AZURE_STORAGE_ACCOUNT_ID",
      "AZURE_WEBPUBSUB_ENDPOINT",
      "AZURE_WEBPUBSUB_HUB",
      "AZURE_WEBPUBSUB_ID",
      "AZURE_QUANTUM_ENDPOINT",
      "AZURE_QUANTUM_WORKSPACE_ID",
      "AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID",
      "AZURE_USER_ASSIGNED_IDENTITY_PRINCIPAL_ID",
      "AZURE_FUNCTION_APP_PRINCIPAL_ID",
    ]) {
      expect(names, required).toContain(required);
    }
    for (const name of names) expect(name).not.toMatch(/key|secret|password|connection_?string|token/i);
    // AZURE_CLIENT_ID as an azd output would make every local DefaultAzureCredential pick the app's identity.
    expect(names).not.toContain("AZURE_CLIENT_ID");
    for (const [name, output] of Object.entries(outputs)) {
      expect(isJsonObject(output) ? output.type : undefined, name).toBe("string");
      expect(JSON.stringify(output), name).not.toMatch(/ConnectionString|listKeys/i);
    }
  });

  it("main.parameters.json passes azd's environment into parameters the template declares", async () => {
    const file = JSON.parse(await readFile(join(infraDir, "main.parameters.json"), "utf8")) as Json;
    const given = isJsonObject(file) && isJsonObject(file.parameters) ? file.parameters : {};
    const declared = isJsonObject(compiled.parameters) ? compiled.parameters : {};
    for (const name of Object.keys(given)) expect(Object.keys(declared), `${name} is not a template parameter`).toContain(name);
    const value = (name: string): Json | undefined => {
      const entry = given[name];
      return isJsonObject(entry) ? entry.value : undefined;
    };
    expect(value("environmentName")).toBe("${AZURE_ENV_NAME}");
    expect(value("location")).toBe("${AZURE_LOCATION}");
    expect(value("principalId")).toBe("${AZURE_PRINCIPAL_ID}");
    // Least privilege unless asked for: azd's AZURE_PRINCIPAL_ID alone grants the deployer nothing, Contributor on
    // the Quantum workspace is opt-in, and Reader on the group (for arm:access) is opt-out. The template agrees.
    const defaultOf = (name: string): Json | undefined => {
      const definition = declared[name];
      return isJsonObject(definition) ? definition.defaultValue : undefined;
    };
    for (const [name, azdValue, fallback] of [
      ["grantDeployerRoles", "GRANT_DEPLOYER_ROLES", false],
      ["grantQuantumContributor", "GRANT_QUANTUM_CONTRIBUTOR", false],
      ["grantResourceGroupReader", "GRANT_RESOURCE_GROUP_READER", true],
    ] as const) {
      expect(value(name), name).toBe(`\${${azdValue}=${String(fallback)}}`);
      expect(defaultOf(name), name).toBe(fallback);
    }
    expect(value("quantumProviders")).toBe(`\${QUANTUM_PROVIDERS=${String(defaultOf("quantumProviders"))}}`);
    expect(value("quantumApiVersion")).toBe(`\${AZURE_QUANTUM_API_VERSION=${String(defaultOf("quantumApiVersion"))}}`);
    expect(value("probeIntervalMinutes")).toBe(`\${IDENTITY_PROBE_INTERVAL_MINUTES=${String(defaultOf("probeIntervalMinutes"))}}`);
    expect(value("alertEmails")).toBe("${ALERT_EMAILS=}");
    // Every template parameter without a default is supplied.
    for (const [name, definition] of Object.entries(declared)) {
      if (isJsonObject(definition) && !("defaultValue" in definition)) expect(Object.keys(given), name).toContain(name);
    }
  });

  it("azure.yaml declares the azd service api as a TypeScript function app built from the repository root", async () => {
    const yaml = await readFile(join(repoRoot, "azure.yaml"), "utf8");
    expect(yaml).toMatch(/^name: identity-probe$/m);
    const services = /^services:\n((?: {2}.*\n?)+)/m.exec(yaml)?.[1] ?? "";
    expect(services).toMatch(/^ {2}api:$/m);
    expect(services).toMatch(/^ {4}project: \.$/m);
    expect(services).toMatch(/^ {4}host: function$/m);
    expect(services).toMatch(/^ {4}language: ts$/m);
  });
});
