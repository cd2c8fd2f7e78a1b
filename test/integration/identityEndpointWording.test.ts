// The local identity endpoint answers as the real ones do, in their words (local/identity/identityEndpointAnswers.ts
// cites each): raw requests, so that what the SDK never sends is covered too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { localUnprivilegedIdentity, localUserIdentity, localSystemIdentity } from "../../local/identity/localIdentities.js";
import { startTestIdentityEndpoint } from "../fixtures/localServices.js";
import { recordOutput } from "../fixtures/secretScan.js";

async function get(url: string, headers: Record<string, string>): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  recordOutput(text.replace(/"access_token":"[^"]+"/, '"access_token":"…"'));
  return { status: response.status, contentType: response.headers.get("content-type"), text };
}

describe("the local identity endpoint speaks Azure's words", () => {
  let endpoint: IdentityEndpoint;
  let withoutSystem: IdentityEndpoint;
  const imds = (target: IdentityEndpoint, query: string): string => `${target.url}/metadata/identity/oauth2/token?${query}`;
  const appService = (target: IdentityEndpoint, query: string): string => `${target.appServiceEndpoint}?${query}`;

  beforeAll(async () => {
    [endpoint, withoutSystem] = await Promise.all([
      startTestIdentityEndpoint(),
      startTestIdentityEndpoint({ systemAssignedEnabled: false }),
    ]);
  });
  afterAll(async () => {
    await endpoint?.close();
    await withoutSystem?.close();
  });

  it("IMDS: a token response carries every field as a string and an empty refresh_token", async () => {
    const answer = await get(imds(endpoint, "api-version=2018-02-01&resource=https://management.azure.com"), { Metadata: "true" });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    expect(body.refresh_token).toBe("");
    for (const field of ["expires_in", "expires_on", "ext_expires_in", "not_before", "resource", "token_type", "client_id"])
      expect(typeof body[field], field).toBe("string");
  });

  it("IMDS: without the Metadata header, bad_request_102", async () => {
    const answer = await get(imds(endpoint, "api-version=2018-02-01&resource=https://management.azure.com"), {});
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: "bad_request_102", error_description: "Required metadata header not specified" });
  });

  it("IMDS: a request through a proxy (X-Forwarded-For) gets the XML refusal", async () => {
    const answer = await get(imds(endpoint, "api-version=2018-02-01&resource=https://management.azure.com"), {
      Metadata: "true",
      "X-Forwarded-For": "10.0.0.1",
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("<Code>InvalidHeaderValue</Code>");
    expect(answer.text).toContain("<Details>Header contains 'X-Forwarded-For' are not supported.</Details>");
  });

  it("IMDS: duplicate query parameters are rejected", async () => {
    const answer = await get(
      imds(endpoint, "api-version=2018-02-01&resource=https://management.azure.com&resource=https://storage.azure.com"),
      {
        Metadata: "true",
      },
    );
    expect(answer.status).toBe(400);
  });

  it("IMDS: no resource, and no api-version, in IMDS's words", async () => {
    const noResource = await get(imds(endpoint, "api-version=2018-02-01"), { Metadata: "true" });
    expect(noResource.status).toBe(400);
    expect(JSON.parse(noResource.text)).toEqual({
      error: "invalid_request",
      error_description: "Required query variable 'resource' is missing",
    });
    const noVersion = await get(imds(endpoint, "resource=https://management.azure.com"), { Metadata: "true" });
    expect(noVersion.status).toBe(400);
    expect(noVersion.text).toContain("api-version was not specified in the request");
  });

  it("IMDS: an unknown client ID is 'Identity not found'", async () => {
    const answer = await get(
      imds(endpoint, "api-version=2018-02-01&resource=https://management.azure.com&client_id=11111111-2222-4333-8444-555555555555"),
      {
        Metadata: "true",
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toBe('{"error":"invalid_request","error_description":"Identity not found"}');
  });

  it("IMDS: several user-assigned identities and none asked for", async () => {
    const answer = await get(imds(withoutSystem, "api-version=2018-02-01&resource=https://management.azure.com"), { Metadata: "true" });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({
      error: "invalid_request",
      error_description:
        "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request",
    });
  });

  it("App Service: an unknown client ID, and several identities with none asked for, cannot be loaded", async () => {
    for (const [target, query] of [
      [endpoint, `api-version=2019-08-01&resource=https://management.azure.com&client_id=11111111-2222-4333-8444-555555555555`],
      [withoutSystem, "api-version=2019-08-01&resource=https://management.azure.com"],
    ] as const) {
      const answer = await get(appService(target, query), { "X-IDENTITY-HEADER": target.identityHeader });
      expect(answer.status).toBe(400);
      expect(answer.contentType).toBe("application/json; charset=utf-8");
      const body = JSON.parse(answer.text) as Record<string, unknown>;
      expect(body).toMatchObject({ statusCode: 400, message: "Unable to load the proper Managed Identity." });
      expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("App Service: a wrong identity header is refused without a body, and nothing echoes the secret", async () => {
    const answer = await get(appService(endpoint, "api-version=2019-08-01&resource=https://management.azure.com"), {
      "X-IDENTITY-HEADER": "wrong",
    });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe("");
  });

  it("still selects each known identity", async () => {
    for (const identity of [localSystemIdentity, localUserIdentity, localUnprivilegedIdentity]) {
      const selector = identity.kind === "system" ? "" : `&client_id=${identity.clientId}`;
      const answer = await get(appService(endpoint, `api-version=2019-08-01&resource=https://management.azure.com${selector}`), {
        "X-IDENTITY-HEADER": endpoint.identityHeader,
      });
      expect(answer.status, identity.name).toBe(200);
    }
  });
});
