// Evaluates infra/main.bicep for one set of parameters with `bicep snapshot`, which runs the ARM template
// engine offline: conditions, if(), union() and names are resolved for the given parameters, nested module
// deployments are expanded, and only values known at deploy time (reference(), principal IDs of identities
// that do not exist yet) stay as ARM expressions. The infra tests assert on these predicted resources, so a
// wrong condition or a wrong identity block per identityMode fails a test instead of passing a text match.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { mainBicep, runBicep, type BicepCli } from "../fixtures/bicep.js";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface PredictedResource {
  id: string;
  type: string;
  name: string;
  apiVersion?: string;
  location?: string;
  kind?: string;
  identity?: JsonObject;
  tags?: Record<string, string>;
  sku?: JsonObject;
  properties?: JsonObject;
}

export interface Snapshot {
  predictedResources: PredictedResource[];
  diagnostics: Json[];
  outputs: Record<string, Json>;
}

export const testSubscriptionId = "00000000-0000-0000-0000-0000000000aa";
export const testTenantId = "00000000-0000-0000-0000-0000000000bb";
export const testLocation = "westeurope";

export type ParamValue = string | number | boolean;

function bicepLiteral(value: ParamValue): string {
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  return String(value);
}

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseSnapshot(text: string): Snapshot {
  // The file is the CLI's own JSON; the shape is checked below before it is trusted.
  const parsed = JSON.parse(text) as Json;
  if (!isJsonObject(parsed) || !Array.isArray(parsed.predictedResources) || !isJsonObject(parsed.outputs ?? {})) {
    throw new Error("bicep snapshot wrote an unexpected document");
  }
  const resources: PredictedResource[] = parsed.predictedResources.map((item) => {
    if (!isJsonObject(item) || typeof item.id !== "string" || typeof item.type !== "string" || typeof item.name !== "string") {
      throw new Error(`unexpected predicted resource: ${JSON.stringify(item).slice(0, 200)}`);
    }
    return item as unknown as PredictedResource; // fields checked above; the rest stays Json-typed
  });
  const outputs = isJsonObject(parsed.outputs ?? null) ? (parsed.outputs as JsonObject) : {};
  return {
    predictedResources: resources,
    diagnostics: Array.isArray(parsed.diagnostics) ? parsed.diagnostics : [],
    outputs,
  };
}

/** Runs `bicep snapshot` for main.bicep with these parameters in a temporary folder (removed afterwards). */
export async function snapshotMain(cli: BicepCli, params: Record<string, ParamValue>): Promise<Snapshot> {
  const dir = await mkdtemp(join(tmpdir(), "identity-probe-bicep-"));
  try {
    // `using` must be a relative path: point it from the temporary folder back at infra/main.bicep.
    const lines = [`using '${relative(dir, mainBicep).split("\\").join("/")}'`, ""];
    for (const [name, value] of Object.entries(params)) lines.push(`param ${name} = ${bicepLiteral(value)}`);
    const paramsFile = join(dir, "test.bicepparam");
    await writeFile(paramsFile, `${lines.join("\n")}\n`);
    const run = await runBicep(cli, [
      "snapshot",
      paramsFile,
      "--subscription-id",
      testSubscriptionId,
      "--tenant-id",
      testTenantId,
      "--location",
      testLocation,
      "--deployment-name",
      "identity-probe-test",
    ]);
    if (run.code !== 0) throw new Error(`bicep snapshot failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    return parseSnapshot(await readFile(join(dir, "test.snapshot.json"), "utf8"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** ARM's guid(): a name-based (version 5) UUID of the arguments joined with '-'. */
export function armGuid(...parts: string[]): string {
  const namespace = Buffer.from("11fb06fb712d4ddd98c7e71bbd588830", "hex");
  const hash = createHash("sha1").update(namespace).update(parts.join("-"), "utf8").digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function resourcesOfType(snapshot: Snapshot, type: string): PredictedResource[] {
  return snapshot.predictedResources.filter((resource) => resource.type.toLowerCase() === type.toLowerCase());
}

export function onlyResource(snapshot: Snapshot, type: string, predicate: (resource: PredictedResource) => boolean = () => true): PredictedResource {
  const matches = resourcesOfType(snapshot, type).filter(predicate);
  if (matches.length !== 1) throw new Error(`expected exactly one ${type}, found ${matches.length}`);
  const [match] = matches;
  if (!match) throw new Error(`expected exactly one ${type}`);
  return match;
}

export function objectAt(value: Json | undefined, ...path: string[]): JsonObject {
  let current: Json | undefined = value;
  for (const key of path) current = isJsonObject(current) ? current[key] : undefined;
  if (!isJsonObject(current)) throw new Error(`no object at ${path.join(".")}`);
  return current;
}

export function valueAt(value: Json | undefined, ...path: string[]): Json | undefined {
  let current: Json | undefined = value;
  for (const key of path) current = isJsonObject(current) ? current[key] : undefined;
  return current;
}

/** Extracts the scope of a role assignment from its (possibly still symbolic) resource ID. */
export function roleAssignmentScope(resource: PredictedResource): string {
  const symbolic = /^\[extensionResourceId\('([^']+)', 'Microsoft\.Authorization\/roleAssignments', /.exec(resource.id);
  if (symbolic?.[1]) return symbolic[1];
  // An assignment at resource group scope (no `scope:` in Bicep): resourceId(subscription, group, type, name).
  const groupScoped = /^\[resourceId\('([^']+)', '([^']+)', 'Microsoft\.Authorization\/roleAssignments', /.exec(resource.id);
  if (groupScoped?.[1] && groupScoped[2]) return `/subscriptions/${groupScoped[1]}/resourceGroups/${groupScoped[2]}`;
  const marker = "/providers/Microsoft.Authorization/roleAssignments/";
  const at = resource.id.indexOf(marker);
  if (at < 0) throw new Error(`not a role assignment ID: ${resource.id}`);
  return resource.id.slice(0, at);
}
