// The Microsoft identity platform's token endpoint, as workload identity uses it: the client credentials grant
// with a federated assertion (the pod's service account token), POST /{tenant}/oauth2/v2.0/token.
//   Request: learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow, "Third case: Access
//   token request with a federated credential" (client_id, scope <resource>/.default, client_assertion_type
//   urn:ietf:params:oauth:client-assertion-type:jwt-bearer, client_assertion, grant_type client_credentials).
//   Success: the same page, "Successful response example" (token_type, expires_in, ext_expires_in, access_token).
//   No federated identity credential matching the assertion: 401 invalid_client, AADSTS70021, captured in
//   github.com/external-secrets/external-secrets/issues/2783 (the same text with 400 invalid_request in
//   github.com/Azure/azure-workload-identity/issues/616, 2022).
// Anything else it refuses with the status alone: Entra's wording for those is not captured anywhere public.
//
// Entra verifies the assertion's signature against its issuer's OIDC keys; this endpoint matches its issuer,
// subject and audience against the federated credentials it was given and checks its expiry, nothing more: it
// is here to prove the app's side of the exchange over the wire, not to be a security boundary.
// msal-node sends this request to the authority host itself (login.microsoftonline.com has built-in cloud
// metadata, so there is no discovery request): tests serve this endpoint under that name inside a network
// namespace whose /etc/hosts points it at loopback (test/fixtures/imdsNamespace.ts).
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";
import { z } from "zod";
import { declaredLength, readBounded } from "../../src/shared/boundedBody.js";
import type { LocalIdentity } from "./localIdentities.js";

/** A federated identity credential on a user-assigned identity: whose tokens it accepts. */
export interface FederatedCredential {
  readonly identity: LocalIdentity;
  readonly issuer: string;
  readonly subject: string;
  /** `api://AzureADTokenExchange`, the audience Microsoft recommends and AKS projects. */
  readonly audience: string;
}

export interface EntraTokenEndpointOptions {
  readonly host?: string;
  readonly port?: number;
  readonly certPath: string;
  readonly keyPath: string;
  readonly tenantId: string;
  readonly federatedCredentials: readonly FederatedCredential[];
  /** Mints the access token Entra would issue (the local identity endpoint's signer, which the emulators trust). */
  mintToken(args: { resource: string; identity: LocalIdentity; lifetimeSeconds: number }): Promise<string>;
}

export interface EntraTokenEndpoint {
  readonly url: string;
  /** The token requests it answered, in order (never the assertion). */
  readonly requests: readonly { clientId: string; scope: string; status: number }[];
  close(): Promise<void>;
}

const tokenLifetimeSeconds = 3599;
const jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const tokenRequest = z.object({
  grant_type: z.literal("client_credentials"),
  client_id: z.string().uuid(),
  scope: z.string().regex(/^\S+\/\.default$/),
  client_assertion_type: z.literal(jwtBearer),
  client_assertion: z.string().min(1).max(16_384),
});
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

/** `2023-10-13 19:07:11Z`, as Entra writes its timestamps. */
function entraTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/** 401 invalid_client, AADSTS70021, in the captured shape (external-secrets/external-secrets#2783). */
function noMatchingFederatedRecord(response: ServerResponse, claims: { iss: string; sub: string; aud: string }): void {
  const now = new Date();
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = entraTimestamp(now);
  sendJson(response, 401, {
    error: "invalid_client",
    error_description:
      `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${claims.iss}'. ` +
      `Assertion Subject: '${claims.sub}'. Assertion Audience: '${claims.aud}'. ` +
      "https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation" +
      `\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [70021],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: "https://login.microsoftonline.com/error?code=70021",
  });
}

export async function startEntraTokenEndpoint(options: EntraTokenEndpointOptions): Promise<EntraTokenEndpoint> {
  const requests: { clientId: string; scope: string; status: number }[] = [];
  const tokenPath = `/${options.tenantId}/oauth2/v2.0/token`;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? "").split("?")[0];
    if (path !== tokenPath) return statusOnly(response, 404);
    if (request.method !== "POST") return statusOnly(response, 405);
    if (!(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return statusOnly(response, 400);
    const body = await readBounded(request, { limitBytes: 64 * 1024, declaredBytes: declaredLength(request.headers["content-length"]) });
    if (!body.ok) return statusOnly(response, 413);
    const parsed = tokenRequest.safeParse(Object.fromEntries(new URLSearchParams(body.bytes.toString("utf8"))));
    if (!parsed.success) return statusOnly(response, 400);
    const { client_id: clientId, scope, client_assertion: assertion } = parsed.data;
    let claims: z.infer<typeof assertionClaims>;
    try {
      claims = assertionClaims.parse(decodeJwt(assertion));
    } catch {
      requests.push({ clientId, scope, status: 400 });
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
    if (!credential || claims.exp * 1000 <= Date.now()) {
      requests.push({ clientId, scope, status: 401 });
      return noMatchingFederatedRecord(response, { iss: claims.iss, sub: claims.sub, aud: audiences.join(",") });
    }
    const accessToken = await options.mintToken({
      resource: scope.slice(0, -"/.default".length),
      identity: credential.identity,
      lifetimeSeconds: tokenLifetimeSeconds,
    });
    requests.push({ clientId, scope, status: 200 });
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${options.host ?? "127.0.0.1"}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
