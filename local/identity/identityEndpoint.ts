// The local managed identity endpoint: the protocols @azure/identity (through MSAL) speaks to a real one,
// so the app's credential code runs unchanged against it.
// - App Service, api-version 2019-08-01: GET {IDENTITY_ENDPOINT}?resource=…&api-version=…, header
//   X-IDENTITY-HEADER = IDENTITY_HEADER, user-assigned selected by client_id | mi_res_id | object_id | principal_id.
// - IMDS, api-version 2018-02-01: GET /metadata/identity/oauth2/token?resource=…, header Metadata: true,
//   reached through AZURE_POD_IDENTITY_AUTHORITY_HOST; selectors client_id | msi_res_id | object_id.
// - Azure ML compute, api-version 2017-09-01: GET {MSI_ENDPOINT}?resource=…&clientid=…, header `secret` =
//   MSI_SECRET; every request names its identity by `clientid`, the system-assigned one by
//   DEFAULT_IDENTITY_CLIENT_ID (identity-endpoints.md §3: msal-node MachineLearning.ts; the maintainer in
//   AzureAD/microsoft-authentication-library-for-js#7609). The path is the one seen on a compute instance,
//   `/MSI/token` (Azure/azure-sdk-for-net#49174).
// Tokens are RS256 JWTs signed with a key published at /.well-known/jwks.json, so the local emulators
// verify them the way Entra-protected services do. /__control lets tests inject faults and read counts.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { z } from "zod";
import { parseAudience } from "../../src/config.js";
import { declaredLength, readBounded } from "../../src/shared/boundedBody.js";
import { defaultLocalIdentities, localTenantId, type LocalIdentity } from "./localIdentities.js";
import { identityEndpointAnswers, signatureAnswer, statusOnly, type Answer, type IdentityProtocol } from "./identityEndpointAnswers.js";

export type { IdentityProtocol } from "./identityEndpointAnswers.js";

/** A tenant that is not the local one, for tokens "from another tenant". */
const otherTenantId = "0ff7e4a2-0000-4000-8000-0000000000aa";

/** How Entra ID would name the local tenant in its messages. */
const localTenantName = "identity-probe-local";

export const faultSchema = z.object({
  /** status: answer with `status` as the protocol does; signature: replay a failure-signature row's verbatim
   * sample; delay: answer normally after `delayMs`; hang: never answer; malformed: 200 with a body that is not
   * a token response; wrong-audience: a token for another audience; other-tenant: a token issued by another
   * tenant; expired: a token whose lifetime is over. */
  mode: z.enum(["status", "signature", "delay", "hang", "malformed", "wrong-audience", "other-tenant", "expired"]),
  /** With mode `signature`: the row's id (src/probes/failureSignatures.ts). */
  signature: z.string().max(100).optional(),
  status: z.number().int().min(400).max(599).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  /** Apply only to requests for this resource (audience) or identity (client ID); unset = all. */
  resource: z.string().max(2048).optional(),
  clientId: z.string().max(128).optional(),
  /** How many requests it applies to before it clears itself; unset = until cleared. */
  count: z.number().int().min(1).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

export interface TokenRequestRecord {
  readonly protocol: IdentityProtocol;
  readonly resource: string;
  readonly identity: string | undefined;
  readonly status: number;
}

export interface IdentityEndpointOptions {
  readonly host?: string;
  readonly port?: number;
  readonly identities?: readonly LocalIdentity[];
  /** Whether a system-assigned identity is enabled (App Service: "identity not enabled" when false). */
  readonly systemAssignedEnabled?: boolean;
  /** The Azure ML `secret` (MSI_SECRET); generated when unset. */
  readonly msiSecret?: string;
  readonly tokenLifetimeSeconds?: number;
  /** The X-IDENTITY-HEADER secret; generated when unset. */
  readonly identityHeader?: string;
  /**
   * Enforce IMDS's limits on the IMDS protocol: "Requests to the Managed Identity category are limited to 20
   * requests per second and 5 concurrent requests (on a per VM basis)", and "Requests exceeding this threshold
   * will be rejected with 429 responses" (IMDS-doc "Rate limiting"). Off by default; tests and the bench turn it on.
   */
  readonly imdsLimits?: boolean;
}

/** IMDS-doc "Rate limiting": 5 concurrent and 20 per second for managed identity token requests. */
export const imdsRequestLimits = { maxInFlight: 5, maxPerSecond: 20 } as const;

export interface IdentityEndpoint {
  readonly url: string;
  /** IDENTITY_ENDPOINT for the App Service protocol. */
  readonly appServiceEndpoint: string;
  /** IDENTITY_HEADER: a secret, never to be logged. */
  readonly identityHeader: string;
  /** MSI_SECRET of the Azure ML protocol: a secret, never to be logged. */
  readonly msiSecret: string;
  /** AZURE_POD_IDENTITY_AUTHORITY_HOST for the IMDS protocol. */
  readonly imdsAuthorityHost: string;
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly tenantId: string;
  readonly identities: readonly LocalIdentity[];
  /** Environment that points @azure/identity at this endpoint through the given protocol. */
  environment(protocol?: IdentityProtocol): Record<string, string>;
  /** Turns the system-assigned identity on or off ("not enabled" answers while off). */
  setSystemAssignedEnabled(enabled: boolean): void;
  /** Replaces every injected fault with this one (undefined: no faults). */
  setFault(fault: Fault | undefined): void;
  /** Adds a fault next to the ones already injected; the first that matches a request applies. */
  addFault(fault: Fault): void;
  readonly requests: readonly TokenRequestRecord[];
  resetRequests(): void;
  /** The most token requests that were in flight at once since the last reset (any protocol). */
  readonly peakInFlight: number;
  /** Turns IMDS's limits on or off (see IdentityEndpointOptions.imdsLimits). */
  setImdsLimits(enabled: boolean): void;
  /** Mints a token directly (for emulator tests that need one without going through a credential). */
  mintToken(options: {
    resource: string;
    identity?: LocalIdentity;
    lifetimeSeconds?: number;
    audienceOverride?: string;
    /** A token of another tenant: its `iss` and `tid`, signed with this endpoint's key. */
    tenantOverride?: string;
  }): Promise<string>;
  close(): Promise<void>;
}

const appServicePath = "/msi/token";
const machineLearningPath = "/MSI/token";
const imdsPath = "/metadata/identity/oauth2/token";
const jwksPath = "/.well-known/jwks.json";

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** MSAL sends the resource without `/.default`; accept a URI or a bare application ID like the real endpoints. */
function isValidResource(resource: string): boolean {
  return resource.length > 0 && resource.length <= 2048 && parseAudience(resource) === resource;
}

export async function startIdentityEndpoint(options: IdentityEndpointOptions = {}): Promise<IdentityEndpoint> {
  const identities = options.identities ?? defaultLocalIdentities;
  let systemAssignedEnabled = options.systemAssignedEnabled ?? true;
  const msiSecret = options.msiSecret ?? randomBytes(24).toString("base64url");
  const lifetime = options.tokenLifetimeSeconds ?? 24 * 3600;
  const identityHeader = options.identityHeader ?? randomBytes(24).toString("base64url");
  const issuer = `https://sts.windows.net/${localTenantId}/`;
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const kid = randomUUID();
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };

  let faults: { fault: Fault; uses: number }[] = [];
  const requests: TokenRequestRecord[] = [];
  let isLimited = options.imdsLimits ?? false;
  let inFlight = 0;
  let peakInFlight = 0;
  /** Arrival times of the IMDS token requests accepted in the last second. */
  const accepted: number[] = [];

  /** Whether an IMDS token request arriving now is beyond the limits. */
  function isThrottled(now: number): boolean {
    while (accepted.length > 0 && (accepted[0] ?? now) <= now - 1000) accepted.shift();
    // inFlight already counts this request.
    if (inFlight > imdsRequestLimits.maxInFlight || accepted.length >= imdsRequestLimits.maxPerSecond) return true;
    accepted.push(now);
    return false;
  }
  const hung = new Set<ServerResponse>();

  async function mintToken(args: {
    resource: string;
    identity?: LocalIdentity;
    lifetimeSeconds?: number;
    audienceOverride?: string;
    tenantOverride?: string;
  }): Promise<string> {
    const identity = args.identity ?? identities.find((candidate) => candidate.kind === "system") ?? identities[0];
    if (!identity) throw new Error("no identity to mint a token for");
    const now = Math.floor(Date.now() / 1000);
    const seconds = args.lifetimeSeconds ?? lifetime;
    const issuedAt = seconds > 0 ? now : now + seconds - 60;
    return new SignJWT({
      aud: args.audienceOverride ?? args.resource,
      oid: identity.objectId,
      sub: identity.objectId,
      tid: args.tenantOverride ?? localTenantId,
      appid: identity.clientId,
      appidacr: "2",
      idtyp: "app",
      xms_mirid: identity.resourceId,
      ver: "1.0",
      uti: randomBytes(16).toString("base64url"),
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid })
      .setIssuer(args.tenantOverride ? `https://sts.windows.net/${args.tenantOverride}/` : issuer)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(now + seconds)
      .sign(privateKey);
  }

  function matchesFault(resource: string, identity: LocalIdentity | undefined): Fault | undefined {
    const entry = faults.find(
      ({ fault }) =>
        (fault.resource === undefined || fault.resource.replace(/\/$/, "") === resource.replace(/\/$/, "")) &&
        (fault.clientId === undefined || fault.clientId === identity?.clientId),
    );
    if (!entry) return undefined;
    entry.uses += 1;
    if (entry.fault.count !== undefined && entry.uses >= entry.fault.count) faults = faults.filter((candidate) => candidate !== entry);
    return entry.fault;
  }

  function selectIdentity(query: URLSearchParams, protocol: IdentityProtocol): { identity?: LocalIdentity; selector?: string } {
    if (protocol === "MachineLearning") {
      // Every request names its identity; the system-assigned one only while it is enabled.
      const requested = query.get("clientid");
      const found = identities.find((candidate) => candidate.clientId.toLowerCase() === requested?.toLowerCase());
      return { identity: found?.kind === "system" && !systemAssignedEnabled ? undefined : found, selector: requested ?? "" };
    }
    const clientId = query.get("client_id");
    const resourceId = protocol === "AppService" ? query.get("mi_res_id") : (query.get("msi_res_id") ?? query.get("mi_res_id"));
    const objectId = query.get("object_id") ?? (protocol === "AppService" ? query.get("principal_id") : null);
    if (clientId)
      return { identity: identities.find((candidate) => candidate.clientId.toLowerCase() === clientId.toLowerCase()), selector: clientId };
    if (resourceId)
      return {
        identity: identities.find((candidate) => candidate.resourceId.toLowerCase() === resourceId.toLowerCase()),
        selector: resourceId,
      };
    if (objectId)
      return { identity: identities.find((candidate) => candidate.objectId.toLowerCase() === objectId.toLowerCase()), selector: objectId };
    if (systemAssignedEnabled) return { identity: identities.find((candidate) => candidate.kind === "system") };
    // IMDS needs a selector only "if your VM has multiple user-assigned managed identities" (VM-token-doc);
    // App Service always falls back to the system-assigned identity (AS-doc), which may not exist.
    const userAssigned = identities.filter((candidate) => candidate.kind === "user");
    return { identity: protocol === "IMDS" && userAssigned.length === 1 ? userAssigned[0] : undefined };
  }

  function send(response: ServerResponse, answer: Answer): void {
    response.writeHead(answer.status, { ...answer.headers, "content-length": Buffer.byteLength(answer.body) });
    response.end(answer.body);
  }

  function selectorCount(query: URLSearchParams, protocol: IdentityProtocol): number {
    const names =
      protocol === "AppService"
        ? ["client_id", "mi_res_id", "object_id", "principal_id"]
        : protocol === "MachineLearning"
          ? ["clientid"]
          : ["client_id", "msi_res_id", "mi_res_id", "object_id"];
    return names.filter((name) => query.has(name)).length;
  }

  async function handleToken(request: IncomingMessage, response: ServerResponse, url: URL, protocol: IdentityProtocol): Promise<void> {
    const query = url.searchParams;
    const resource = query.get("resource") ?? "";
    const refuse = (answer: Answer, identity?: LocalIdentity): void => {
      requests.push({ protocol, resource, identity: identity?.name, status: answer.status });
      send(response, answer);
    };

    if (request.method !== "GET") return refuse(statusOnly(405));
    // IMDS-doc "Rate limiting": beyond 5 at once or 20 a second, 429 with IMDS's words (imds-throttled's sample).
    if (protocol === "IMDS" && isLimited && isThrottled(performance.now())) return refuse(identityEndpointAnswers.failure("IMDS", 429));
    if (protocol === "AppService") {
      if (request.headers["x-identity-header"] !== identityHeader) return refuse(identityEndpointAnswers.secretRefused());
    } else if (protocol === "MachineLearning") {
      if (request.headers["secret"] !== msiSecret) return refuse(identityEndpointAnswers.machineLearningSecretRefused());
    } else {
      // IMDS-doc "Security and authentication": Metadata: true required, X-Forwarded-For refused.
      if (request.headers["x-forwarded-for"] !== undefined) return refuse(identityEndpointAnswers.forwardedRequest());
      if (request.headers["metadata"] !== "true") return refuse(identityEndpointAnswers.metadataHeaderMissing());
      if (new Set(query.keys()).size !== [...query.keys()].length) return refuse(identityEndpointAnswers.ruleBroken());
    }
    const apiVersion = query.get("api-version");
    if (apiVersion === null) return refuse(identityEndpointAnswers.apiVersionMissing(protocol));
    // App Service: "Please use 2019-08-01 or later" (AS-doc); IMDS serves 2018-02-01 and later versions; Azure ML
    // speaks the 2017-09-01 protocol (msal-node MachineLearning.ts).
    const isServedVersion =
      protocol === "MachineLearning"
        ? apiVersion === "2017-09-01"
        : /^\d{4}-\d{2}-\d{2}$/.test(apiVersion) && apiVersion >= (protocol === "AppService" ? "2019-08-01" : "2018-02-01");
    if (!isServedVersion) return refuse(identityEndpointAnswers.ruleBroken());
    if (resource === "") return refuse(identityEndpointAnswers.resourceMissing(protocol));
    if (!isValidResource(resource)) return refuse(identityEndpointAnswers.resourceUnknown(protocol, resource, localTenantName));
    if (selectorCount(query, protocol) > 1) return refuse(identityEndpointAnswers.ruleBroken());
    const { identity, selector } = selectIdentity(query, protocol);
    if (!identity) {
      const userAssigned = identities.filter((candidate) => candidate.kind === "user");
      return refuse(identityEndpointAnswers.identityNotLoaded(protocol, selector === undefined && userAssigned.length > 1));
    }

    const injected = matchesFault(resource, identity);
    if (injected?.mode === "hang") {
      requests.push({ protocol, resource, identity: identity.name, status: 0 });
      hung.add(response);
      response.on("close", () => hung.delete(response));
      return;
    }
    if (injected?.mode === "delay") await new Promise((resolve) => setTimeout(resolve, injected.delayMs ?? 1000));
    if (injected?.mode === "status") return refuse(identityEndpointAnswers.failure(protocol, injected.status ?? 500), identity);
    if (injected?.mode === "signature") return refuse(signatureAnswer(injected.signature ?? ""), identity);
    if (injected?.mode === "malformed") {
      return refuse({ status: 200, headers: { "content-type": "application/json" }, body: '{"access_token": ' }, identity);
    }

    const lifetimeSeconds = injected?.mode === "expired" ? -120 : lifetime;
    const audienceOverride = injected?.mode === "wrong-audience" ? "https://management.azure.com" : undefined;
    const tenantOverride = injected?.mode === "other-tenant" ? otherTenantId : undefined;
    const token = await mintToken({
      resource,
      identity,
      lifetimeSeconds,
      ...(audienceOverride ? { audienceOverride } : {}),
      ...(tenantOverride ? { tenantOverride } : {}),
    });
    const now = Math.floor(Date.now() / 1000);
    const expiresOn = String(now + lifetimeSeconds);
    requests.push({ protocol, resource, identity: identity.name, status: 200 });
    // MSAL reads expires_on (epoch seconds: a string from App Service and IMDS, an integer from Azure ML). AS-doc:
    // access_token, expires_on, resource, token_type, client_id. VM-token-doc: IMDS sends every field as a string,
    // refresh_token "". Azure ML, as recorded live (Azure/azure-sdk-assets go/sdk/azidentity/testdata/recordings/
    // TestManagedIdentityCredential_AzureMLLive.json): access_token, expires_in and expires_on as integers, resource,
    // token_type.
    if (protocol === "MachineLearning") {
      sendJson(response, 200, {
        access_token: token,
        expires_in: lifetimeSeconds,
        expires_on: now + lifetimeSeconds,
        resource,
        token_type: "Bearer",
      });
    } else if (protocol === "AppService") {
      sendJson(response, 200, { access_token: token, expires_on: expiresOn, resource, token_type: "Bearer", client_id: identity.clientId });
    } else {
      sendJson(response, 200, {
        access_token: token,
        refresh_token: "",
        expires_in: String(lifetimeSeconds),
        expires_on: expiresOn,
        ext_expires_in: String(lifetimeSeconds),
        not_before: String(now),
        resource,
        token_type: "Bearer",
        client_id: identity.clientId,
      });
    }
  }

  async function handleControl(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    // Control routes exist for tests and the stack; they listen on loopback only.
    if (url.pathname === "/__control/fault") {
      if (request.method === "DELETE") {
        faults = [];
        response.writeHead(204).end();
        return;
      }
      if (request.method === "PUT") {
        let parsed: unknown;
        try {
          const body = await readBounded(request, { limitBytes: 16_384, declaredBytes: declaredLength(request.headers["content-length"]) });
          if (!body.ok) throw new RangeError("body too large");
          parsed = JSON.parse(body.bytes.toString("utf8"));
        } catch {
          sendJson(response, 400, { error: "body must be JSON" });
          return;
        }
        const result = faultSchema.safeParse(parsed);
        if (!result.success) {
          sendJson(response, 400, { error: result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") });
          return;
        }
        faults = [{ fault: result.data, uses: 0 }];
        sendJson(response, 200, result.data);
        return;
      }
      sendJson(response, 405, { error: "use PUT or DELETE" });
      return;
    }
    if (url.pathname === "/__control/requests") {
      if (request.method === "DELETE") {
        requests.length = 0;
        peakInFlight = inFlight;
        response.writeHead(204).end();
        return;
      }
      sendJson(response, 200, { count: requests.length, peakInFlight, requests });
      return;
    }
    if (url.pathname === "/__control/imds-limits") {
      // PUT {"enabled": true|false}: IMDS's limits on the IMDS protocol (see IdentityEndpointOptions.imdsLimits).
      if (request.method !== "PUT") {
        sendJson(response, 405, { error: "use PUT" });
        return;
      }
      const body = await readBounded(request, { limitBytes: 1024, declaredBytes: declaredLength(request.headers["content-length"]) });
      let parsed: unknown;
      try {
        parsed = body.ok ? JSON.parse(body.bytes.toString("utf8")) : undefined;
      } catch {
        parsed = undefined;
      }
      const result = z.object({ enabled: z.boolean() }).safeParse(parsed);
      if (!result.success) {
        sendJson(response, 400, { error: 'body must be {"enabled": true} or {"enabled": false}' });
        return;
      }
      isLimited = result.data.enabled;
      accepted.length = 0;
      sendJson(response, 200, { enabled: isLimited, ...imdsRequestLimits });
      return;
    }
    sendJson(response, 404, { error: "not found" });
  }

  const server: Server = createServer((request, response) => {
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://localhost");
    } catch {
      sendJson(response, 400, { error: "invalid_request", error_description: "malformed request URL" });
      return;
    }
    // MSAL's IMDS source asks for the token path with a trailing slash; the real endpoints accept both.
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const isTokenRoute = path === appServicePath || path === imdsPath || url.pathname === machineLearningPath;
    if (isTokenRoute) {
      inFlight += 1;
      peakInFlight = Math.max(peakInFlight, inFlight);
      let isCounted = true;
      const done = (): void => {
        if (!isCounted) return;
        isCounted = false;
        inFlight -= 1;
      };
      response.once("finish", done);
      response.once("close", done);
    }
    const route =
      // Azure ML's path differs from App Service's only in case (paths are case-sensitive here).
      url.pathname === machineLearningPath
        ? handleToken(request, response, url, "MachineLearning")
        : path === appServicePath
          ? handleToken(request, response, url, "AppService")
          : path === imdsPath
            ? handleToken(request, response, url, "IMDS")
            : path === jwksPath
              ? Promise.resolve(sendJson(response, 200, { keys: [publicJwk] }))
              : url.pathname.startsWith("/__control/")
                ? handleControl(request, response, url)
                : Promise.resolve(sendJson(response, 404, { error: "not_found", error_description: "no such route" }));
    route.catch(() => {
      if (!response.headersSent) sendJson(response, 500, { error: "server_error", error_description: "internal error" });
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    appServiceEndpoint: `${url}${appServicePath}`,
    identityHeader,
    msiSecret,
    imdsAuthorityHost: url,
    jwksUrl: `${url}${jwksPath}`,
    issuer,
    tenantId: localTenantId,
    identities,
    environment(protocol = "AppService"): Record<string, string> {
      if (protocol === "MachineLearning") {
        const system = identities.find((candidate) => candidate.kind === "system");
        return {
          MSI_ENDPOINT: `${url}${machineLearningPath}`,
          MSI_SECRET: msiSecret,
          ...(system ? { DEFAULT_IDENTITY_CLIENT_ID: system.clientId } : {}),
        };
      }
      return protocol === "AppService"
        ? { IDENTITY_ENDPOINT: `${url}${appServicePath}`, IDENTITY_HEADER: identityHeader }
        : { AZURE_POD_IDENTITY_AUTHORITY_HOST: url };
    },
    setSystemAssignedEnabled(enabled) {
      systemAssignedEnabled = enabled;
    },
    setFault(next) {
      faults = next === undefined ? [] : [{ fault: faultSchema.parse(next), uses: 0 }];
    },
    addFault(next) {
      faults.push({ fault: faultSchema.parse(next), uses: 0 });
    },
    get requests() {
      return requests;
    },
    resetRequests() {
      requests.length = 0;
      peakInFlight = inFlight;
    },
    get peakInFlight() {
      return peakInFlight;
    },
    setImdsLimits(enabled) {
      isLimited = enabled;
      accepted.length = 0;
    },
    mintToken,
    async close() {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
