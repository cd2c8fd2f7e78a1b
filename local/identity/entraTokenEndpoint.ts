// The Microsoft identity platform's token endpoint, as workload identity uses it: the client credentials grant
// with a federated assertion (the pod's service account token), POST /{tenant}/oauth2/v2.0/token.
//   Request: learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow, "Third case: Access
//   token request with a federated credential" (client_id, scope <resource>/.default, client_assertion_type
//   urn:ietf:params:oauth:client-assertion-type:jwt-bearer, client_assertion, grant_type client_credentials).
//   Success: the same page, "Successful response example" (token_type, expires_in, ext_expires_in, access_token).
//   No federated identity credential matching the assertion: 401 invalid_client, AADSTS70021, captured in
//   github.com/external-secrets/external-secrets/issues/2783 (the same text with 400 invalid_request in
//   github.com/Azure/azure-workload-identity/issues/616, 2022).
// It also takes a service principal's client secret (EnvironmentCredential's AZURE_CLIENT_SECRET, "First case:
// Access token request with a shared secret" on the same page). A secret that is not the principal's: 401
// invalid_client, AADSTS7000215, captured in github.com/Azure/sap-automation/issues/418.
// Anything else it refuses with the status alone: Entra's wording for those is not captured anywhere public. An
// unknown client ID (AADSTS700016) and an expired assertion (AADSTS700024) get 400, a status not verified
// against Entra: their captures show no status.
//
// Entra verifies the assertion's signature against its issuer's OIDC keys; this endpoint matches its issuer,
// subject and audience against the federated credentials it was given and checks its expiry, nothing more: it
// is here to prove the app's side of the exchange over the wire, not to be a security boundary.
// msal-node sends this request to the authority host itself (login.microsoftonline.com has built-in cloud
// metadata, so there is no discovery request): tests serve this endpoint under that name inside a network
// namespace whose /etc/hosts points it at loopback (test/fixtures/imdsNamespace.ts).
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeJwt } from "jose";
import { z } from "zod";
import { declaredLength, readBounded } from "../../src/shared/boundedBody.js";
import { listenHttps } from "../listenHttps.js";
import type { LocalIdentity } from "./localIdentities.js";

/** A federated identity credential on a user-assigned identity: whose tokens it accepts. */
export interface FederatedCredential {
  readonly identity: LocalIdentity;
  readonly issuer: string;
  readonly subject: string;
  /** `api://AzureADTokenExchange`, the audience Microsoft recommends and AKS projects. */
  readonly audience: string;
}

/** A service principal's client secret: identity-probe mints its tokens as for a local identity. */
export interface ClientSecretCredential {
  readonly identity: LocalIdentity;
  readonly secret: string;
}

export interface EntraTokenEndpointOptions {
  readonly host?: string;
  readonly port?: number;
  readonly certPath: string;
  readonly keyPath: string;
  readonly tenantId: string;
  readonly federatedCredentials: readonly FederatedCredential[];
  readonly clientSecrets?: readonly ClientSecretCredential[];
  /** Mints the access token Entra would issue (the local identity endpoint's signer, which the emulators trust). */
  mintToken(args: { resource: string; identity: LocalIdentity; lifetimeSeconds: number }): Promise<string>;
}

export interface EntraTokenEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

const tokenLifetimeSeconds = 3599;
const jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const grant = {
  grant_type: z.literal("client_credentials"),
  client_id: z.string().uuid(),
  scope: z.string().regex(/^\S+\/\.default$/),
};
// Other fields (msal-node's x-client-* telemetry among them) are ignored, as Entra ignores them.
const tokenRequest = z.union([
  z.object({ ...grant, client_assertion_type: z.literal(jwtBearer), client_assertion: z.string().min(1).max(16_384) }),
  z.object({ ...grant, client_secret: z.string().min(1).max(1024) }),
]);
const assertionClaims = z.object({ iss: z.string(), sub: z.string(), aud: z.union([z.string(), z.array(z.string())]), exp: z.number() });

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

function statusOnly(response: ServerResponse, status: number): void {
  response.writeHead(status, { "content-length": 0 });
  response.end();
}

/** Compares digests, so that neither the length nor the content of the secret leaks through timing. */
function secretsEqual(expected: string, given: string): boolean {
  const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** `2023-10-13 19:07:11Z`, as Entra writes its timestamps. */
function entraTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/** Entra's error body, in the shape both captures show: the description ends with its trace and correlation IDs. */
function entraError(response: ServerResponse, status: number, error: string, code: number, description: string): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = entraTimestamp(new Date());
  sendJson(response, status, {
    error,
    error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

/** 401 invalid_client, AADSTS70021 (external-secrets/external-secrets#2783). */
function noMatchingFederatedRecord(response: ServerResponse, claims: { iss: string; sub: string; aud: string }): void {
  entraError(
    response,
    401,
    "invalid_client",
    70021,
    `No matching federated identity record found for presented assertion. Assertion Issuer: '${claims.iss}'. ` +
      `Assertion Subject: '${claims.sub}'. Assertion Audience: '${claims.aud}'. ` +
      "https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation",
  );
}

/** 401 invalid_client, AADSTS7000215 (Azure/sap-automation#418). */
function invalidClientSecret(response: ServerResponse, clientId: string): void {
  entraError(
    response,
    401,
    "invalid_client",
    7000215,
    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, " +
      `for a secret added to app '${clientId}'.`,
  );
}

export async function startEntraTokenEndpoint(options: EntraTokenEndpointOptions): Promise<EntraTokenEndpoint> {
  const tokenPath = `/${options.tenantId}/oauth2/v2.0/token`;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? "").split("?")[0];
    if (path !== tokenPath) return statusOnly(response, 404);
    if (request.method !== "POST") return statusOnly(response, 405);
    if (!(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return statusOnly(response, 400);
    const body = await readBounded(request, { limitBytes: 64 * 1024, declaredBytes: declaredLength(request.headers["content-length"]) });
    if (!body.ok) return statusOnly(response, 413);
    const fields = new URLSearchParams(body.bytes.toString("utf8"));
    const names = [...fields.keys()];
    // A field given twice is refused rather than read one way or the other.
    if (new Set(names).size !== names.length) return statusOnly(response, 400);
    const parsed = tokenRequest.safeParse(Object.fromEntries(fields));
    if (!parsed.success) return statusOnly(response, 400);
    const { client_id: clientId, scope } = parsed.data;
    const resource = scope.slice(0, -"/.default".length);
    if ("client_secret" in parsed.data) {
      const principal = options.clientSecrets?.find((candidate) => candidate.identity.clientId === clientId);
      if (!principal) return statusOnly(response, 400);
      if (!secretsEqual(principal.secret, parsed.data.client_secret)) return invalidClientSecret(response, clientId);
      return sendToken(response, { resource, identity: principal.identity });
    }
    const assertion = parsed.data.client_assertion;
    let claims: z.infer<typeof assertionClaims>;
    try {
      claims = assertionClaims.parse(decodeJwt(assertion));
    } catch {
      return statusOnly(response, 400);
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const credential = options.federatedCredentials.find(
      (candidate) =>
        candidate.identity.clientId === clientId &&
        candidate.issuer === claims.iss &&
        candidate.subject === claims.sub &&
        audiences.includes(candidate.audience),
    );
    // An expired assertion is Entra's AADSTS700024, whose answer is not captured anywhere public: the status alone,
    // and 400 is not verified against Entra.
    if (claims.exp * 1000 <= Date.now()) return statusOnly(response, 400);
    if (!credential) {
      return noMatchingFederatedRecord(response, { iss: claims.iss, sub: claims.sub, aud: audiences.join(",") });
    }
    return sendToken(response, { resource, identity: credential.identity });
  }

  async function sendToken(response: ServerResponse, grant: { resource: string; identity: LocalIdentity }): Promise<void> {
    const accessToken = await options.mintToken({ ...grant, lifetimeSeconds: tokenLifetimeSeconds });
    sendJson(response, 200, {
      token_type: "Bearer",
      expires_in: tokenLifetimeSeconds,
      ext_expires_in: tokenLifetimeSeconds,
      access_token: accessToken,
    });
  }

  const [cert, key] = await Promise.all([readFile(options.certPath), readFile(options.keyPath)]);
  const server: Server = createServer({ cert, key }, (request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) statusOnly(response, 500);
      else response.destroy();
    });
  });
  // A client that stops sending mid-request is cut off rather than held forever.
  server.requestTimeout = 30_000;
  const url = await listenHttps(server, options);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
