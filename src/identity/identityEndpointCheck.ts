// A raw call to the managed identity endpoint, bypassing the SDK's token cache: cached tokens live up to
// 24 hours and would hide an endpoint outage. Same protocol as MSAL uses (App Service 2019-08-01 with
// X-IDENTITY-HEADER, or IMDS 2018-02-01 with Metadata: true). The header value is a secret: it is sent,
// never logged or echoed, and the response's token is read for its expiry only.
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import type { IdentityEndpointSetting } from "../config.js";

export interface IdentityEndpointCheckResult {
  readonly status: number;
  readonly expiresOn: Date | undefined;
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
  options: { resource: string; clientId: string | undefined; abortSignal: AbortSignal; timeoutMs: number },
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
  const response = await httpClient.sendRequest(request);
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(response.bodyAsText ?? "");
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    if (response.status === 200) {
      throw new RestError("The managed identity endpoint answered 200 with a body that is not JSON.", {
        statusCode: 502,
        code: "MalformedResponse",
      });
    }
  }
  if (response.status !== 200) {
    // App Service: { statusCode, message }; IMDS: { error, error_description }.
    const message = [body.message, body.error_description, body.error].find((value) => typeof value === "string") as string | undefined;
    throw new RestError(`The managed identity endpoint answered ${response.status}: ${(message ?? "no description").slice(0, 300)}`, {
      statusCode: response.status,
      code: typeof body.error === "string" ? body.error : "IdentityEndpointError",
    });
  }
  if (typeof body.access_token !== "string" || (typeof body.expires_on !== "string" && typeof body.expires_on !== "number")) {
    throw new RestError("The managed identity endpoint answered 200 without access_token and expires_on.", {
      statusCode: 502,
      code: "MalformedResponse",
    });
  }
  const expiresOnSeconds = Number(body.expires_on);
  return { status: response.status, expiresOn: Number.isFinite(expiresOnSeconds) ? new Date(expiresOnSeconds * 1000) : undefined };
}
