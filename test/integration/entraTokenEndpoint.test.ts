// The local Microsoft Entra token endpoint (workload identity's client credentials grant with a federated
// assertion): what it answers, and hostile input. The exchange through @azure/identity, over verified TLS under
// Entra's own host name, is in cliHosts.test.ts.
import { randomBytes } from "node:crypto";
import { UnsecuredJWT, decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEntraTokenEndpoint, type EntraTokenEndpoint } from "../../local/identity/entraTokenEndpoint.js";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { localTenantId, localUnprivilegedIdentity, localUserIdentity } from "../../local/identity/localIdentities.js";
import { issueTestCertificate, startTestIdentityEndpoint } from "../fixtures/localServices.js";
import { registerSecret } from "../fixtures/secretScan.js";

const issuer = "https://eastus.oic.prod-aks.azure.com/tenant/cluster/";
const subject = "system:serviceaccount:identity-probe:identity-probe";
const audience = "api://AzureADTokenExchange";
const clientSecret = `local~${randomBytes(24).toString("base64url")}`;
registerSecret(clientSecret);

function assertion(claims: { iss?: string; sub?: string; aud?: string; expiresIn?: string } = {}): string {
  const token = new UnsecuredJWT({})
    .setIssuer(claims.iss ?? issuer)
    .setSubject(claims.sub ?? subject)
    .setAudience(claims.aud ?? audience)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? "1h")
    .encode();
  registerSecret(token);
  return token;
}

function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams({
    client_id: localUserIdentity.clientId,
    scope: "https://storage.azure.com/.default",
    grant_type: "client_credentials",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion(),
    ...fields,
  });
}

describe("the local Entra token endpoint", () => {
  let signer: IdentityEndpoint;
  let entra: EntraTokenEndpoint;
  let tokenUrl: string;

  beforeAll(async () => {
    signer = await startTestIdentityEndpoint();
    const certificate = await issueTestCertificate("entra");
    entra = await startEntraTokenEndpoint({
      certPath: certificate.certPath,
      keyPath: certificate.keyPath,
      tenantId: localTenantId,
      federatedCredentials: [{ identity: localUserIdentity, issuer, subject, audience }],
      clientSecrets: [{ identity: localUnprivilegedIdentity, secret: clientSecret }],
      mintToken: (args) => signer.mintToken(args),
    });
    tokenUrl = `${entra.url}/${localTenantId}/oauth2/v2.0/token`;
  });
  afterAll(async () => {
    await entra?.close();
    await signer?.close();
  });

  const post = (body: BodyInit, headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" }) =>
    fetch(tokenUrl, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });

  it("exchanges an assertion its federated credential accepts for a token of that identity and resource", async () => {
    const response = await post(form({}));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    registerSecret(String(body.access_token));
    expect(decodeJwt(String(body.access_token))).toMatchObject({ aud: "https://storage.azure.com", appid: localUserIdentity.clientId });
  });

  it("answers an assertion no federated credential accepts with 401 invalid_client, AADSTS70021, in Entra's shape", async () => {
    const refused: Record<string, string>[] = [
      { client_assertion: assertion({ sub: "system:serviceaccount:default:default" }) },
      { client_assertion: assertion({ iss: "https://token.actions.githubusercontent.com" }) },
      { client_assertion: assertion({ aud: "api://other" }) },
      { client_id: localUnprivilegedIdentity.clientId },
    ];
    for (const fields of refused) {
      const response = await post(form(fields));
      expect(response.status, JSON.stringify(fields)).toBe(401);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        error: "invalid_client",
        error_codes: [70021],
        error_uri: "https://login.microsoftonline.com/error?code=70021",
      });
      expect(String(body.error_description)).toMatch(
        /^AADSTS70021: No matching federated identity record found for presented assertion\. Assertion Issuer: '[^']+'\. Assertion Subject: '[^']+'\. Assertion Audience: '[^']+'\. .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
      );
    }
  });

  it("exchanges a service principal's client secret for a token, and answers a wrong one with 401 invalid_client, AADSTS7000215", async () => {
    const secretForm = (secret: string) =>
      new URLSearchParams({
        client_id: localUnprivilegedIdentity.clientId,
        scope: "https://management.azure.com/.default",
        grant_type: "client_credentials",
        client_secret: secret,
      });
    const granted = await post(secretForm(clientSecret));
    expect(granted.status).toBe(200);
    const token = String(((await granted.json()) as Record<string, unknown>).access_token);
    registerSecret(token);
    expect(decodeJwt(token)).toMatchObject({ aud: "https://management.azure.com", appid: localUnprivilegedIdentity.clientId });

    for (const wrong of [`${clientSecret}x`, clientSecret.slice(0, -1), "a"]) {
      const refused = await post(secretForm(wrong));
      expect(refused.status).toBe(401);
      const body = (await refused.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
      expect(String(body.error_description)).toMatch(
        new RegExp(
          `^AADSTS7000215: Invalid client secret provided\\. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${localUnprivilegedIdentity.clientId}'\\.\\r\\nTrace ID: `,
        ),
      );
      // Neither secret is echoed back (a one-letter one is in any text, so it is not looked for).
      expect(JSON.stringify(body)).not.toContain(clientSecret);
      if (wrong.length > 1) expect(JSON.stringify(body)).not.toContain(wrong);
    }
    const unknownClient = secretForm(clientSecret);
    unknownClient.set("client_id", localUserIdentity.clientId);
    expect((await post(unknownClient)).status).toBe(400);
  });

  it("refuses hostile and malformed requests with a 4xx and no body, and keeps serving", async () => {
    const cases: [string, () => Promise<Response>, number][] = [
      [
        "another tenant",
        () => fetch(`${entra.url}/00000000-0000-4000-8000-000000000000/oauth2/v2.0/token`, { method: "POST", body: form({}) }),
        404,
      ],
      ["a path outside it", () => fetch(`${entra.url}/${localTenantId}/oauth2/v2.0/../../../etc/passwd`), 404],
      ["GET", () => fetch(tokenUrl), 405],
      ["JSON", () => post(JSON.stringify(Object.fromEntries(form({}))), { "content-type": "application/json" }), 400],
      ["another grant", () => post(form({ grant_type: "password" })), 400],
      ["a client ID that is no GUID", () => post(form({ client_id: "x'; DROP TABLE" })), 400],
      ["a scope without /.default", () => post(form({ scope: "https://storage.azure.com" })), 400],
      ["no assertion", () => post(form({ client_assertion: "" })), 400],
      [
        "an expired assertion (AADSTS700024, status unverified)",
        () => post(form({ client_assertion: assertion({ expiresIn: "-1m" }) })),
        400,
      ],
      ["an assertion that is no JWT", () => post(form({ client_assertion: "not-a-jwt" })), 400],
      ["another assertion type", () => post(form({ client_assertion_type: "urn:x" })), 400],
      ["a body over 64 KiB", () => post(form({ client_assertion: "a".repeat(70_000) })), 413],
      ["a field given twice", () => post(`${form({}).toString()}&client_id=${localUnprivilegedIdentity.clientId}`), 400],
    ];
    for (const [what, send, status] of cases) {
      const response = await send();
      expect(response.status, what).toBe(status);
      expect(await response.text(), what).toBe("");
    }
    expect((await post(form({}))).status).toBe(200);
  });
});
