// `npm run roles`: change the running local stack's role assignments, as `az role assignment create/delete`
// change Azure's — through the stack's Resource Manager, with @azure/arm-authorization, as the operator who
// deployed it (Owner of the local subscription, a token from the local identity endpoint's IMDS protocol).
// Every emulator enforces the one table; data planes see a change after LOCAL_RBAC_PROPAGATION_S.
//   npm run roles -- list [--identity <who>]
//   npm run roles -- assign --identity <who> --role "<role name>" [--scope <where>]
//   npm run roles -- remove --identity <who> --role "<role name>" [--scope <where>]
// <who>: system | user | norole | a client or object ID of a local identity.
// <where>: storage | webpubsub | quantum | group | subscription | an ARM ID; by default where the stack
// grants that role (the resource for a data role, the resource group otherwise).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ManagedIdentityCredential } from "@azure/identity";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { defaultLocalIdentities, localOperatorIdentity, localSubscriptionId, type LocalIdentity } from "./identity/localIdentities.js";
import { roleById, roleByName } from "./rbac/builtInRoles.js";
import {
  defaultRoleAssignments,
  localQuantumWorkspaceName,
  localResourceGroupScope,
  localStorageAccountId,
  localSubscriptionScope,
  localWebPubSubId,
  quantumWorkspaceId,
} from "./rbac/localResources.js";
import type { StackSummary } from "./stack/stackSummary.js";

const usage = `Usage:
  npm run roles -- list [--identity <who>]
  npm run roles -- assign --identity <who> --role "<role name>" [--scope <where>]
  npm run roles -- remove --identity <who> --role "<role name>" [--scope <where>]
<who>: system | user | norole | a client or object ID of a local identity
<where>: storage | webpubsub | quantum | group | subscription | an ARM ID (default: where the stack grants the role)`;

class UsageError extends Error {}

const scopeNames: Readonly<Record<string, string>> = {
  storage: localStorageAccountId,
  webpubsub: localWebPubSubId,
  quantum: quantumWorkspaceId(localQuantumWorkspaceName),
  group: localResourceGroupScope,
  subscription: localSubscriptionScope,
};

const identityNames: Readonly<Record<string, string>> = { system: "system", user: "identity-probe-uami", norole: "identity-probe-norole" };

function findIdentity(who: string): LocalIdentity {
  const name = identityNames[who.toLowerCase()] ?? who;
  const found = defaultLocalIdentities.find(
    (identity) => identity.name === name || identity.clientId === who.toLowerCase() || identity.objectId === who.toLowerCase(),
  );
  if (!found || found === localOperatorIdentity) throw new UsageError(`No local identity '${who}': use system, user, norole, or a local identity's client or object ID.`);
  return found;
}

function scopeFor(where: string | undefined, roleDefinitionId: string): string {
  if (where !== undefined) {
    const named = scopeNames[where.toLowerCase()];
    if (named) return named;
    if (/^\/subscriptions\/[^/]+(\/[^/]+)*$/i.test(where)) return where;
    throw new UsageError(`--scope '${where}' is neither storage, webpubsub, quantum, group, subscription nor an ARM ID.`);
  }
  const granted = defaultRoleAssignments().find((assignment) => assignment.roleDefinitionId === roleDefinitionId);
  return granted && granted.scope !== localSubscriptionScope ? granted.scope : localResourceGroupScope;
}

function nameOf(principalId: string): string {
  return defaultLocalIdentities.find((identity) => identity.objectId === principalId.toLowerCase())?.name ?? principalId;
}

/** The folder with package.json above this file (local/ in the sources, dist/local/ when built). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("Could not find the project's package.json.");
    dir = parent;
  }
  return dir;
}

async function readStack(): Promise<StackSummary> {
  const stateDir = resolve(process.env.IDENTITY_PROBE_STATE_DIR ?? join(projectRoot(), ".local"));
  const text = await readFile(join(stateDir, "stack.json"), "utf8").catch(() => undefined);
  if (text === undefined) throw new UsageError(`No local stack is running (no ${join(stateDir, "stack.json")}): start it with npm start.`);
  return JSON.parse(text) as StackSummary;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { identity: { type: "string" }, role: { type: "string" }, scope: { type: "string" }, help: { type: "boolean" } },
    allowPositionals: true,
  });
  const command = positionals[0];
  if (values.help || command === undefined || !["list", "assign", "remove"].includes(command) || positionals.length > 1)
    throw new UsageError(values.help ? "" : `Unknown command '${positionals.join(" ")}'.`);

  const stack = await readStack();
  if (!stack.rbac?.isEmulated || !stack.identityEndpoint.imdsAuthorityHost)
    throw new UsageError("This stack does not emulate Resource Manager or the identity endpoint: change roles where they live (az role assignment).");
  // Node trusts NODE_EXTRA_CA_CERTS only from the start: run again, trusting the local CA, if needed.
  if (process.env.NODE_EXTRA_CA_CERTS !== stack.trustBundlePath) return rerunTrusting(stack.trustBundlePath);

  // The operator's token, through the IMDS protocol (it needs no IDENTITY_HEADER, which the stack never writes down).
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = stack.identityEndpoint.imdsAuthorityHost;
  const client = new AuthorizationManagementClient(new ManagedIdentityCredential({ clientId: localOperatorIdentity.clientId }), localSubscriptionId, {
    endpoint: stack.rbac.resourceManagerEndpoint,
    credentialScopes: ["https://management.azure.com/.default"],
    retryOptions: { maxRetries: 0 },
  });
  const who = values.identity === undefined ? undefined : findIdentity(values.identity);

  if (command === "list") {
    const filter = who ? `principalId eq '${who.objectId}'` : undefined;
    for await (const assignment of client.roleAssignments.listForScope(localSubscriptionScope, filter ? { filter } : {})) {
      const role = roleById(assignment.roleDefinitionId ?? "")?.roleName ?? assignment.roleDefinitionId;
      process.stdout.write(`${nameOf(assignment.principalId ?? "")}\t${role}\t${assignment.scope}\t${assignment.createdOn?.toISOString() ?? ""}\n`);
    }
    return 0;
  }

  if (!who || values.role === undefined) throw new UsageError(`${command} needs --identity and --role.`);
  const role = roleByName(values.role);
  if (!role) throw new UsageError(`No built-in role '${values.role}' in the local stack.`);
  const roleDefinitionId = `${localSubscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
  const scope = scopeFor(values.scope, role.id);

  if (command === "assign") {
    const created = await client.roleAssignments.create(scope, randomUUID(), {
      roleDefinitionId,
      principalId: who.objectId,
      principalType: "ServicePrincipal",
    });
    process.stdout.write(`assigned '${role.roleName}' to ${who.name} on ${scope} (${created.name ?? ""})\n`);
    return 0;
  }
  let removed = 0;
  for await (const assignment of client.roleAssignments.listForScope(scope, { filter: `principalId eq '${who.objectId}'` })) {
    if (assignment.scope?.toLowerCase() !== scope.toLowerCase() || roleById(assignment.roleDefinitionId ?? "")?.id !== role.id) continue;
    await client.roleAssignments.delete(scope, assignment.name ?? "");
    removed += 1;
  }
  if (removed === 0) throw new UsageError(`${who.name} holds no '${role.roleName}' on ${scope}.`);
  process.stdout.write(`removed '${role.roleName}' from ${who.name} on ${scope}\n`);
  return 0;
}

function rerunTrusting(bundlePath: string): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: "inherit",
      env: { ...process.env, NODE_EXTRA_CA_CERTS: bundlePath },
    });
    child.once("exit", (code) => resolveExit(code ?? 1));
  });
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message ? `${error.message}\n` : ""}${usage}\n`);
    process.exitCode = 2;
  } else {
    const { statusCode, code } = error as { statusCode?: number; code?: string };
    // Status and code only: never a message that could carry a token.
    process.stderr.write(`The local Resource Manager refused: ${[statusCode, code].filter(Boolean).join(" ") || (error as Error).name}\n`);
    process.exitCode = 1;
  }
}
