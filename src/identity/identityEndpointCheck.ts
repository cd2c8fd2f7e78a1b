// A raw call to the managed identity endpoint, bypassing the SDK's token cache: cached tokens live up to
// 24 hours and would hide an endpoint outage. Same protocol as MSAL uses (App Service 2019-08-01 with
// X-IDENTITY-HEADER, or IMDS 2018-02-01 with Metadata: true). The header value is a secret: it is sent,
// never logged or echoed, and the response's token is read for its expiry only.
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { IdentityEndpointSetting } from "../config.js";
import type { IdentityEndpointGate } from "./identityEndpointGate.js";
import { rejectToken } from "./tokenCheck.js";
import { parseRetryAfter } from "./tokenRequestContext.js";

export interface IdentityEndpointCheckResult {
  readonly status: number;
  readonly expiresOn: Date;
}

/** The raw check's place in the report: `identity:endpoint`. */
export const identityEndpointComponent = { component: "identity", displayName: "Identity endpoint" } as const;

const httpClient = createDefaultHttpClient();

/** The endpoint without query or credentials: safe to show as the check's componentId. */
export function describeIdentityEndpoint(setting: IdentityEndpointSetting): string {
  try {
    const url = new URL(setting.url);
    return `${url.origin}${url.pathname}`;
  } catch {
    return setting.kind;
  }
}

export async function callIdentityEndpoint(
  setting: IdentityEndpointSetting,
  options: {
    resource: string;
    clientId: string | undefined;
    abortSignal: AbortSignal;
    timeoutMs: number;
    /** The process's identity-endpoint gate: the raw call waits for its turn like every token request. */
    gate?: IdentityEndpointGate;
    /** Called when the gate lets the request go. */
    onStart?: () => void;
  },
): Promise<IdentityEndpointCheckResult> {
  const url = new URL(setting.url);
  url.searchParams.set("resource", options.resource);
  url.searchParams.set("api-version", setting.kind === "AppService" ? "2019-08-01" : "2018-02-01");
  if (options.clientId) url.searchParams.set("client_id", options.clientId);
  const headers = createHttpHeaders(setting.kind === "AppService" ? { "X-IDENTITY-HEADER": setting.header } : { Metadata: "true" });
  const request = createPipelineRequest({
    url: url.href,
    method: "GET",
    headers,
    abortSignal: options.abortSignal,
    timeout: options.timeoutMs,
    // Both protocols are plain HTTP by design: App Service's endpoint is on the instance's loopback and
    // IMDS is link-local (169.254.169.254); MSAL calls them the same way.
    allowInsecureConnection: url.protocol === "http:",
  });
  const response = options.gate
    ? await options.gate.run(() => httpClient.sendRequest(request), {
        abortSignal: options.abortSignal,
        ...(options.onStart ? { onStart: options.onStart } : {}),
      })
    : await httpClient.sendRequest(request);
  const contentType = response.headers.get("content-type");
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  const fault = (message: string, status: number, code: string | undefined): IdentityEndpointError =>
    new IdentityEndpointError(message, {
      status,
      ...(code ? { code } : {}),
      ...(contentType ? { contentType } : {}),
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(response.bodyAsText ?? "");
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (response.status !== 200) {
    // App Service: { statusCode, message }; IMDS: { error, error_description }; anything else: its text.
    const said =
      [body?.message, body?.error_description, typeof body?.error === "string" ? body.error : undefined].find(
        (value): value is string => typeof value === "string",
      ) ?? (response.bodyAsText ?? "").slice(0, 300);
    throw fault(
      `The managed identity endpoint answered ${response.status}${said ? `: ${said.slice(0, 300)}` : " with no body"}`,
      response.status,
      typeof body?.error === "string" ? body.error : undefined,
    );
  }
  const token = body?.access_token;
  const expiresOnSeconds = Number(body?.expires_on);
  if (typeof token !== "string" || !Number.isFinite(expiresOnSeconds)) {
    throw fault(
      `The managed identity endpoint answered 200 with something that is not a token response (${contentType ?? "no content type"}).`,
      200,
      undefined,
    );
  }
  const rejection = rejectToken({ token, expiresOnTimestamp: expiresOnSeconds * 1000 }, options.resource, Date.now());
  if (rejection) throw rejection;
  return { status: response.status, expiresOn: new Date(expiresOnSeconds * 1000) };
}

/** What the identity endpoint answered instead of a token: its status, its words, and what kind of body. */
export class IdentityEndpointError extends Error {
  override readonly name = "IdentityEndpointError";
  readonly status: number;
  readonly code: string | undefined;
  readonly contentType: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, details: { status: number; code?: string; contentType?: string; retryAfterSeconds?: number }) {
    super(message);
    this.status = details.status;
    this.code = details.code;
    this.contentType = details.contentType;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}
