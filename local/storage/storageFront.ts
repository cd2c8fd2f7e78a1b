// An HTTPS front for Azurite that answers as Blob Storage does where Azurite cannot: it checks each bearer
// token the way the service does (401 InvalidAuthenticationInfo naming the check that failed, with the
// service's WWW-Authenticate challenge), then the caller's Azure RBAC permission for the operation in the
// stack's role table (403 AuthorizationPermissionMismatch), can play the account's firewall (403
// AuthorizationFailure) and can replay any of Storage's failure signatures. Everything else is forwarded to
// Azurite unchanged. Azurite has no RBAC, and answers bad tokens with 403 AuthenticationFailed in words of its
// own (its BlobTokenAuthenticator), which no Azure storage account sends; with the front, the app meets the
// service's answers (src/resources/storageFailures.ts cites each).
import { randomUUID } from "node:crypto";
import { createServer, request as httpsRequest, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { storageErrorSample, storageFailures } from "../../src/resources/storageFailures.js";
import { defaultRoleAssignments, localStorageAccountId } from "../rbac/localResources.js";
import { createRoleTable } from "../rbac/roleTable.js";
import { blobPermission } from "./blobPermissions.js";
import type { FailureSample } from "../../src/shared/failureSignature.js";
import type { EmulatorServerOptions } from "../emulatorServerOptions.js";
import { createEntraTokenVerifier, type VerificationResult } from "../entraTokenVerifier.js";

export interface StorageFrontOptions extends EmulatorServerOptions {
  /** Azurite's blob endpoint with the account: https://127.0.0.1:<port>/devstoreaccount1. */
  readonly upstream: string;
  readonly tenantId: string;
}

export interface StorageFault {
  /** A row of Storage's failure signatures to replay (src/resources/storageFailures.ts). */
  readonly signature: string;
  /** Only requests whose path and query contain this. */
  readonly pathContains?: string;
  /** How many requests it applies to before it clears itself; unset = until cleared. */
  readonly count?: number;
}

export interface StorageFront {
  /** The blob endpoint through the front, as AZURE_STORAGE_BLOB_ENDPOINT wants it. */
  readonly blobEndpoint: string;
  setFault(fault: StorageFault | undefined): void;
  /** Closed: every request is refused as the account's network rules refuse a caller they do not allow. */
  setFirewall(state: "open" | "closed"): void;
  close(): Promise<void>;
}

const unauthenticated = "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.";

/** The service's challenge (github.com/Azure/AzureStor/issues/119; AzureStorageExplorer#9050): space-separated, unquoted. */
function challenge(tenantId: string): string {
  return `Bearer authorization_uri=https://login.microsoftonline.com/${tenantId}/oauth2/authorize resource_id=https://storage.azure.com`;
}

/** Blob Storage's 401 for a token that failed a check, naming which where the service's detail is known. */
function refusal(result: Extract<VerificationResult, { ok: false }>, tenantId: string): FailureSample {
  if (result.reason === "missing") {
    // learn "Common REST API error codes": 401 NoAuthenticationInformation.
    return storageErrorSample({
      status: 401,
      code: "NoAuthenticationInformation",
      message: unauthenticated,
      headers: { "www-authenticate": challenge(tenantId) },
    });
  }
  const details: Partial<Record<typeof result.reason, string>> = {
    audience: "Audience validation failed. Audience did not match.",
    issuer: "Issuer validation failed. Issuer did not match.",
    expired: "Lifetime validation failed. The token is expired.",
  };
  const detail = details[result.reason];
  // A bad signature or a malformed token: the service's detail for them is not public, so none is sent.
  return storageErrorSample({
    status: 401,
    code: "InvalidAuthenticationInfo",
    message: unauthenticated,
    ...(detail ? { detail } : {}),
    headers: { server: "Microsoft-HTTPAPI/2.0", "www-authenticate": challenge(tenantId) },
  });
}

/** A row's answer, with a fresh request ID and time as the service writes them. */
function liveAnswer(signature: string, requestId: string): Extract<FailureSample, { kind: "http" }> {
  const sample = storageFailures.find((row) => row.id === signature)?.sample;
  if (sample?.kind !== "http") throw new Error(`No Storage failure signature ${signature} with an HTTP sample`);
  const code = sample.headers["x-ms-error-code"] ?? "";
  const message = /<Message>([^\n<]*)/.exec(sample.body)?.[1] ?? "";
  const fresh = storageErrorSample({ status: sample.status, code, message, headers: sample.headers, requestId, time: new Date() });
  return fresh.kind === "http" ? { ...fresh, headers: { ...fresh.headers, "x-ms-request-id": requestId } } : sample;
}

function send(response: ServerResponse, sample: Extract<FailureSample, { kind: "http" }>): void {
  const message = /<Message>([^\n<]*)/.exec(sample.body)?.[1];
  const body = Buffer.from(sample.body, "utf8");
  // Storage uses the error message as the reason phrase (failure-signatures row f).
  response.writeHead(sample.status, message ?? "", { ...sample.headers, "content-length": body.length });
  response.end(body);
}

export async function startStorageFront(options: StorageFrontOptions): Promise<StorageFront> {
  const upstream = new URL(options.upstream);
  const accountId = options.resourceId ?? localStorageAccountId;
  const roles = options.roles ?? createRoleTable({ initial: defaultRoleAssignments() });
  let firewall: "open" | "closed" = "open";
  const verifier = createEntraTokenVerifier({
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    // The audiences Blob Storage accepts: the service and the account itself.
    audiences: ["https://storage.azure.com", `${upstream.protocol}//${upstream.host}`],
  });
  let faults: { fault: StorageFault; uses: number }[] = [];

  function injected(request: IncomingMessage): Extract<FailureSample, { kind: "http" }> | undefined {
    const entry = faults.find(({ fault }) => fault.pathContains === undefined || (request.url ?? "").includes(fault.pathContains));
    if (!entry) return undefined;
    entry.uses += 1;
    if (entry.fault.count !== undefined && entry.uses >= entry.fault.count) faults = faults.filter((candidate) => candidate !== entry);
    const sample = storageFailures.find((row) => row.id === entry.fault.signature)?.sample;
    return sample?.kind === "http" ? sample : undefined;
  }

  function forward(request: IncomingMessage, response: ServerResponse, path: string): void {
    const headers = { ...request.headers, host: upstream.host };
    const outgoing = httpsRequest(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path,
        headers,
        timeout: 60_000,
      },
      (incoming) => {
        response.writeHead(incoming.statusCode ?? 502, incoming.statusMessage ?? "", incoming.headers);
        incoming.pipe(response);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error("Azurite did not answer in time")));
    outgoing.on("error", () => {
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    });
    request.pipe(outgoing);
  }

  /** The request's path below the account segment, or undefined when it is not for this account. */
  function belowAccount(path: string): string | undefined {
    const account = upstream.pathname.replace(/\/+$/, "");
    if (path === account || path.startsWith(`${account}/`)) return path.slice(account.length);
    return undefined;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const replay = injected(request);
    if (replay) {
      request.resume();
      send(response, replay);
      return;
    }
    // Network rules come before identity: a caller they refuse is refused whoever it is.
    if (firewall === "closed") {
      request.resume();
      send(response, liveAnswer("storage-network-rules", randomUUID()));
      return;
    }
    const verified = await verifier.verifyAuthorizationHeader(request.headers.authorization);
    if (!verified.ok) {
      request.resume();
      const answer = refusal(verified, options.tenantId);
      if (answer.kind === "http") send(response, answer);
      return;
    }
    // Origin-form only (a leading "//" stays a path, not a host), dot segments resolved: the path whose permission
    // is checked is the path Azurite gets, so that "/a/../b" cannot be checked as one container and served as another.
    const url = new URL(`https://front.invalid${request.url ?? "/"}`);
    const path = `${url.pathname}${url.search}`;
    const below = belowAccount(url.pathname);
    if (below !== undefined) {
      const needed = blobPermission(request.method ?? "GET", below, url.searchParams, accountId);
      const allowed = needed.anyOf.some((action) =>
        roles.allowsOnDataPlane(verified.caller.objectId, needed.scope, action, { alsoActions: needed.kind === "action" }),
      );
      if (!allowed) {
        request.resume();
        send(response, liveAnswer("storage-data-role-missing", randomUUID()));
        return;
      }
    }
    forward(request, response, path);
  }

  const server: Server = createServer({ cert: readFileSync(options.certPath), key: readFileSync(options.keyPath) }, (request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  return {
    blobEndpoint: `https://${host}:${port}${upstream.pathname.replace(/\/+$/, "")}`,
    setFault(fault) {
      if (fault && !storageFailures.some((row) => row.id === fault.signature && row.sample?.kind === "http"))
        throw new Error(`No Storage failure signature ${fault.signature} with an HTTP sample`);
      faults = fault ? [{ fault, uses: 0 }] : [];
    },
    setFirewall(state) {
      firewall = state;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
