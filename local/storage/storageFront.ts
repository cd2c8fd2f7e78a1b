// An HTTPS front for Azurite that answers as Blob Storage does where Azurite cannot: it checks each bearer
// token the way the service does (401 InvalidAuthenticationInfo naming the check that failed, with the
// service's WWW-Authenticate challenge) and can replay any of Storage's failure signatures. Everything else
// is forwarded to Azurite unchanged. Azurite answers bad tokens with 403 AuthenticationFailed in words of its
// own (its BlobTokenAuthenticator), which no Azure storage account sends; with the front, the app meets the
// service's answers (src/resources/storageFailures.ts cites each).
import { createServer, request as httpsRequest, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { storageErrorSample, storageFailures } from "../../src/resources/storageFailures.js";
import type { FailureSample } from "../../src/shared/failureSignature.js";
import type { EmulatorServerOptions } from "../emulatorServerOptions.js";
import { createEntraTokenVerifier, type VerificationResult } from "../entraTokenVerifier.js";

export interface StorageFrontOptions extends Omit<EmulatorServerOptions, "roleAssignments"> {
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

function send(response: ServerResponse, sample: Extract<FailureSample, { kind: "http" }>): void {
  const message = /<Message>([^\n<]*)/.exec(sample.body)?.[1];
  const body = Buffer.from(sample.body, "utf8");
  // Storage uses the error message as the reason phrase (failure-signatures row f).
  response.writeHead(sample.status, message ?? "", { ...sample.headers, "content-length": body.length });
  response.end(body);
}

export async function startStorageFront(options: StorageFrontOptions): Promise<StorageFront> {
  const upstream = new URL(options.upstream);
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

  function forward(request: IncomingMessage, response: ServerResponse): void {
    const headers = { ...request.headers, host: upstream.host };
    const outgoing = httpsRequest(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
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

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const replay = injected(request);
    if (replay) {
      request.resume();
      send(response, replay);
      return;
    }
    const verified = await verifier.verifyAuthorizationHeader(request.headers.authorization);
    if (!verified.ok) {
      request.resume();
      const answer = refusal(verified, options.tenantId);
      if (answer.kind === "http") send(response, answer);
      return;
    }
    forward(request, response);
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
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
