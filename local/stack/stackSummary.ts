// What the stack tells the developer: every URL, the function key, the CA and how to trust it — printed
// at start and written to <state dir>/stack.json (0600) for tools and tests. The identity endpoint's
// IDENTITY_HEADER is a secret of the app's environment: it is never printed or written.
import { rm, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { functionListing } from "../devHost/functionListing.js";
import type { RegisteredFunctionInfo } from "../devHost/startDevHost.js";

export interface StackSummary {
  readonly startedAt: string;
  readonly app: {
    readonly host: "dev-host" | "func";
    readonly url: string;
    readonly routePrefix: string;
    /** The local key for function/admin routes (not enforced by func, which runs with local auth off). */
    readonly functionKey: string;
    readonly functions: readonly RegisteredFunctionInfo[];
  };
  /** Azurite itself, and the RBAC front the app reaches it through. */
  readonly azurite: { readonly blobEndpoint: string; readonly isEmulated: boolean; readonly frontEndpoint?: string };
  /** The role table: Resource Manager serves it, the data planes enforce it after the propagation delay. */
  readonly rbac: { readonly resourceManagerEndpoint: string; readonly isEmulated: boolean; readonly propagationSeconds: number };
  readonly identityEndpoint: {
    readonly isEmulated: boolean;
    /** IDENTITY_ENDPOINT (App Service protocol) or the IMDS authority host, as the app uses it. */
    readonly endpoint: string;
    readonly imdsAuthorityHost?: string;
    readonly jwksUrl: string;
    readonly controlUrls?: { readonly fault: string; readonly requests: string; readonly imdsLimits: string };
  };
  readonly webPubSub?: { readonly endpoint: string; readonly isEmulated: boolean };
  readonly quantum?: { readonly endpoint: string; readonly workspaceId?: string; readonly isEmulated: boolean };
  readonly caPath: string;
  readonly trustBundlePath: string;
  readonly processes: Readonly<Record<string, number | undefined>>;
}

export const stackFileName = "stack.json";

export function formatStackSummary(summary: StackSummary, projectRoot: string): string {
  // Relative to the project when inside it (`.local/ca.pem`), else absolute.
  const shown = (path: string): string => {
    const inProject = relative(projectRoot, path);
    return inProject && !inProject.startsWith("..") && !isAbsolute(inProject) ? inProject : path;
  };
  const caRelative = shown(summary.caPath);
  const emulated = (isEmulated: boolean): string => (isEmulated ? "" : " (from the environment)");
  const lines = [
    "",
    "identity-probe local stack is running — Ctrl-C stops everything.",
    "",
    `App (${summary.app.host === "func" ? "Azure Functions Core Tools" : "dev host"}): ${summary.app.url}`,
    ...functionListing(summary.app.functions),
    ...(summary.app.host === "dev-host" ? [`Function key (x-functions-key header or ?code=): ${summary.app.functionKey}`] : []),
    "",
    `Azurite blob (HTTPS, OAuth)${emulated(summary.azurite.isEmulated)}:  ${summary.azurite.blobEndpoint}`,
    ...(summary.azurite.frontEndpoint ? [`  as the app reaches it (RBAC):  ${summary.azurite.frontEndpoint}`] : []),
    `Managed identity endpoint${emulated(summary.identityEndpoint.isEmulated)}:   ${summary.identityEndpoint.endpoint}`,
    ...(summary.identityEndpoint.imdsAuthorityHost
      ? [`  IMDS protocol:               ${summary.identityEndpoint.imdsAuthorityHost}/metadata/identity/oauth2/token`]
      : []),
    ...(summary.identityEndpoint.controlUrls
      ? [
          `  inject faults:               PUT/DELETE ${summary.identityEndpoint.controlUrls.fault}`,
          `  token requests seen:         GET ${summary.identityEndpoint.controlUrls.requests}`,
          `  IMDS's limits (5 / 20 per s): PUT ${summary.identityEndpoint.controlUrls.imdsLimits} {"enabled":true}`,
        ]
      : []),
    ...(summary.webPubSub ? [`Web PubSub${emulated(summary.webPubSub.isEmulated)}:                   ${summary.webPubSub.endpoint}`] : []),
    ...(summary.quantum
      ? [
          `Azure Quantum${emulated(summary.quantum.isEmulated)}:                ${summary.quantum.endpoint}`,
          ...(summary.quantum.workspaceId ? [`  workspace:                   ${summary.quantum.workspaceId}`] : []),
        ]
      : []),
    ...(summary.rbac.resourceManagerEndpoint
      ? [`Azure Resource Manager${emulated(summary.rbac.isEmulated)}:       ${summary.rbac.resourceManagerEndpoint}`]
      : []),
    ...(summary.rbac.isEmulated ? ["", ...breakAndFix(summary.rbac.propagationSeconds)] : []),
    "",
    `Local CA: ${summary.caPath}`,
    `  trust it: NODE_EXTRA_CA_CERTS=${caRelative} node …   |   curl --cacert ${caRelative} …`,
    `URLs for tools: ${shown(join(summary.caPath, "..", stackFileName))}`,
    "",
  ];
  return lines.join("\n");
}

/** How to break a role and fix it again while the app runs (the README walks through it). */
function breakAndFix(propagationSeconds: number): string[] {
  const delay =
    propagationSeconds > 0
      ? `data planes see a change after ${propagationSeconds} s (LOCAL_RBAC_PROPAGATION_S), as Azure's take minutes`
      : "data planes see a change at once (LOCAL_RBAC_PROPAGATION_S=60 makes them wait, as Azure's do)";
  return [
    "Break a role and fix it (one role table for every emulator; " + delay + "):",
    "  npm run roles -- list",
    '  npm run roles -- remove --identity system --role "Storage Blob Data Contributor"   → storage:access forbidden, verdict control-plane-only',
    '  npm run roles -- assign --identity system --role "Storage Blob Data Contributor"   → pass again',
    "  then watch the dashboard, or GET /api/health/identity/details",
  ];
}

export async function writeStackFile(stateDir: string, summary: StackSummary): Promise<string> {
  const path = join(stateDir, stackFileName);
  await writeFile(path, `${JSON.stringify(summary, null, 2)}\n`, { mode: 0o600 });
  return path;
}

export async function removeStackFile(stateDir: string): Promise<void> {
  await rm(join(stateDir, stackFileName), { force: true });
}
