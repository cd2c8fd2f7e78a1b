// The local Azure Quantum data plane: HTTPS on loopback, the routes of quantumRoutes.ts, Entra bearer tokens
// checked against the local identity endpoint (401), RBAC on the workspace (403), one workspace (others are
// 404), the workspace's linked storage in Azurite, and jobs run by a real state-vector simulator. Requests are
// checked in the order the service answers them: route (404/405) → api-version (400) → token (401) →
// workspace (404) → job ID (400) → role (403) → body (400/413/415).
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { defaultRoleAssignments } from "../rbac/localResources.js";
import { createRoleTable } from "../rbac/roleTable.js";
import { createLinkedStorage } from "./linkedStorage.js";
import { createQuantumAuthorization } from "./quantumAuthorization.js";
import { createQuantumJobStore } from "./quantumJobStore.js";
import { quantumRoutes, type QuantumRoute } from "./quantumRoutes.js";
import { QuantumServiceError, refusalOf, writeQuantumError, type QuantumRefusal } from "./quantumServiceError.js";
import type { EmulatorServerOptions } from "../emulatorServerOptions.js";
import { listenHttps } from "../listenHttps.js";

/**
 * The api-versions this emulator implements: the one Microsoft's Python SDK sends (2026-01-15-preview,
 * azure-quantum-python `_client/_configuration.py`) and the spec in specs/quantum (2026-08-01-preview). Their
 * routes and bodies are the same for every operation emulated here.
 */
export const quantumEmulatorApiVersions: readonly string[] = ["2026-01-15-preview", "2026-08-01-preview"];
const newestKnownApiVersion = "2026-08-01-preview";

/**
 * Whether the emulator serves `apiVersion`: a version it implements, or a later dated version (served as the
 * newest it knows), since the service accepts api-versions newer than the specs published for it (issue 11).
 * Earlier versions differ (Jobs_Cancel arrived in 2025-12-01-preview, container creation by Storage_GetSasUri in
 * 2026-01-15-preview: spec descriptions) and are refused.
 */
export function isServedApiVersion(apiVersion: string): boolean {
  if (quantumEmulatorApiVersions.includes(apiVersion)) return true;
  const date = /^(\d{4}-\d{2}-\d{2})(-preview)?$/.exec(apiVersion)?.[1];
  const isRealDate = date !== undefined && !Number.isNaN(Date.parse(date)) && new Date(date).toISOString().startsWith(date);
  return isRealDate && date > newestKnownApiVersion.slice(0, 10);
}

export interface QuantumEmulatorOptions extends EmulatorServerOptions {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  storage: {
    blobEndpoint: string /* Azurite, https://127.0.0.1:port/devstoreaccount1 */;
    accountName: string;
    accountKey: string; /* Azurite's well-known dev key — public, documented */
  };
  timing?: { waitingMs?: number; executingMs?: number };
  /** Seeds shot sampling (per job, with its ID) so results repeat; unset = random. */
  seed?: number;
  /**
   * How Jobs_Cancel answers: "production" (default) with 204 No Content as the service does, or "spec" with 200
   * and the JobDetails, as the spec and its Jobs_Cancel example say; clients must handle both.
   */
  cancelResponse?: "production" | "spec";
}

export interface QuantumEmulator {
  readonly endpoint: string;
  /** ARM ID of the emulated workspace: AZURE_QUANTUM_WORKSPACE_ID. */
  readonly workspaceId: string;
  setRoleAssignments(objectId: string, roles: readonly string[]): void;
  /**
   * Why the request with this x-ms-request-id was refused, for the emulator's tests and log: the wire carries
   * the status alone unless the service's own words are public (QuantumServiceError).
   */
  refusal(requestId: string): QuantumRefusal | undefined;
  close(): Promise<void>;
}

const keptRefusals = 256;

const workspacePath = /^\/subscriptions\/([^/]*)\/resourcegroups\/([^/]*)\/providers\/microsoft\.quantum\/workspaces\/([^/]*)(\/.*)?$/i;
const jobIdPattern = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/; // spec: jobId

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new QuantumServiceError(400, "InvalidUri", "The request path is not correctly percent-encoded.");
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (status === 204 || body === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

export async function startQuantumEmulator(options: QuantumEmulatorOptions): Promise<QuantumEmulator> {
  const [cert, key] = await Promise.all([readFile(options.certPath), readFile(options.keyPath)]);
  const workspaceId = `/subscriptions/${options.subscriptionId}/resourceGroups/${options.resourceGroup}/providers/Microsoft.Quantum/Workspaces/${options.workspaceName}`;
  const storage = createLinkedStorage(options.storage);
  const store = createQuantumJobStore({
    storage,
    waitingMs: options.timing?.waitingMs ?? 100,
    executingMs: options.timing?.executingMs ?? 200,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const authorization = createQuantumAuthorization({
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    workspaceId,
    roles: options.roles ?? createRoleTable({ initial: defaultRoleAssignments({ quantumWorkspaceId: workspaceId }) }),
  });
  let endpoint = "";

  function findRoute(method: string, suffix: string): { route: QuantumRoute; jobId: string | undefined } {
    const candidates = quantumRoutes.filter((route) => route.suffix.test(suffix));
    if (candidates.length === 0)
      throw new QuantumServiceError(
        404,
        "NotFound",
        "The requested operation is not found (or not implemented by the local Quantum emulator).",
      );
    const route = candidates.find((candidate) => candidate.method === method);
    if (!route)
      throw new QuantumServiceError(405, "MethodNotAllowed", `The method ${method.slice(0, 16)} is not allowed here.`, {
        headers: { allow: [...new Set(candidates.map((candidate) => candidate.method))].join(", ") },
      });
    const jobId = route.suffix.exec(suffix)?.[1];
    return { route, jobId: jobId === undefined ? undefined : decodeSegment(jobId) };
  }

  async function handle(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "https://emulator.invalid");
    } catch {
      throw new QuantumServiceError(400, "InvalidUri", "The request URL is malformed.");
    }
    const match = workspacePath.exec(url.pathname);
    if (!match) throw new QuantumServiceError(404, "NotFound", "The requested resource is not found.");
    const { route, jobId } = findRoute(request.method ?? "GET", match[4] ?? "");

    const apiVersions = url.searchParams.getAll("api-version");
    if (apiVersions.length === 0 || apiVersions[0] === "")
      throw new QuantumServiceError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    const apiVersion = apiVersions[0] ?? "";
    if (apiVersions.length > 1 || !isServedApiVersion(apiVersion))
      throw new QuantumServiceError(
        400,
        "UnsupportedApiVersion",
        `The api-version '${apiVersion.slice(0, 64)}' is not supported. Supported versions: ${quantumEmulatorApiVersions.join(", ")}.`,
      );

    const caller = await authorization.authenticate(request.headers);

    const [subscriptionId, resourceGroup, workspaceName] = [match[1] ?? "", match[2] ?? "", match[3] ?? ""].map(decodeSegment) as [
      string,
      string,
      string,
    ];
    const isThisWorkspace =
      subscriptionId.toLowerCase() === options.subscriptionId.toLowerCase() &&
      resourceGroup.toLowerCase() === options.resourceGroup.toLowerCase() &&
      workspaceName.toLowerCase() === options.workspaceName.toLowerCase();
    if (!isThisWorkspace)
      throw new QuantumServiceError(
        404,
        "WorkspaceNotFound",
        `The workspace '${workspaceName.slice(0, 64)}' was not found in resource group '${resourceGroup.slice(0, 90)}' of subscription '${subscriptionId.slice(0, 64)}'.`,
      );
    if (jobId !== undefined && !jobIdPattern.test(jobId))
      throw new QuantumServiceError(400, "InvalidJobId", "The job ID must be a UUID (spec: jobId pattern).", { target: "jobId" });

    authorization.authorize(caller, route.action);
    const result = await route.handle({
      request,
      url,
      endpoint,
      jobId,
      caller,
      store,
      storage,
      apiVersion,
      cancelResponse: options.cancelResponse ?? "production",
    });
    sendJson(response, result.status, result.body, { "x-ms-request-id": requestId });
  }

  const refusals = new Map<string, QuantumRefusal>();
  const server: Server = createServer({ cert, key }, (request, response) => {
    const requestId = randomUUID();
    const clientRequestId = request.headers["x-ms-client-request-id"];
    if (typeof clientRequestId === "string" && /^[\w-]{1,64}$/.test(clientRequestId))
      response.setHeader("x-ms-client-request-id", clientRequestId);
    handle(request, response, requestId).catch((error: unknown) => {
      // Not the client's fault (storage down, a bug): a 500 with no internals.
      const refused =
        error instanceof QuantumServiceError ? error : new QuantumServiceError(500, "InternalError", "The request could not be processed.");
      refusals.set(requestId, refusalOf(refused));
      if (refusals.size > keptRefusals) refusals.delete(refusals.keys().next().value as string);
      writeQuantumError(response, refused, requestId);
    });
  });

  endpoint = await listenHttps(server, options);

  return {
    endpoint,
    workspaceId,
    setRoleAssignments: (objectId, roles) => authorization.setRoleAssignments(objectId, roles),
    refusal: (requestId) => refusals.get(requestId),
    async close() {
      await store.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
