import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localSystemIdentity, localUserIdentity, localTenantId } from "../../local/identity/localIdentities.js";
import { healthIdentity } from "../../src/functions/healthIdentity.js";
import { healthIdentityDetails } from "../../src/functions/healthIdentityDetails.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { capturedOutput, invokeHttp } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

const unknownClientId = "0badc0de-0000-4000-8000-000000000404";

describe("identity health report against the local identity endpoint and Azurite", () => {
  let spine: SpineApp;
  beforeAll(async () => {
    spine = await startSpineApp({
      IDENTITY_PROBE_IDENTITIES: `${localUserIdentity.clientId},${unknownClientId}`,
      IDENTITY_PROBE_TIMEOUT_MS: "4000",
    });
    // The user-assigned identity's storage tokens come back for another audience: Azurite must refuse them.
    spine.identityEndpoint.setFault({
      mode: "wrong-audience",
      resource: "https://storage.azure.com",
      clientId: localUserIdentity.clientId,
    });
  });
  afterAll(async () => {
    await spine?.close();
  });

  it("answers the anonymous summary as health+json with one entry per identity and audience", async () => {
    const response = await invokeHttp(healthIdentity);
    expect(response.headers.get("content-type")).toBe("application/health+json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const report = response.json<HealthReport>();
    expect(response.status).toBe(report.status === "fail" ? 503 : 200);
    for (const key of ["storage:token", "webpubsub:token", "quantum:token", "arm:token", "storage:access"]) {
      expect(report.checks[key]?.map((entry) => entry.identity)).toEqual(["system", "user-assigned-2", "user-assigned-3"]);
    }
    expect(report.checks["arm:token"]?.[0]).toMatchObject({
      status: "pass",
      componentId: "https://management.azure.com",
      observedUnit: "ms",
    });
    expect(report.checks["storage:access"]?.[0]).toMatchObject({ status: "pass" });
    expect(report.checks["webpubsub:access"]?.[0]).toMatchObject({ status: "skipped" });
    expect(report.checks["identity:endpoint"]).toBeUndefined();
  });

  it("keeps object IDs, tenant IDs, client IDs and error text out of the summary", async () => {
    const response = await invokeHttp(healthIdentity);
    for (const secret of [
      localSystemIdentity.objectId,
      localUserIdentity.objectId,
      localUserIdentity.clientId,
      unknownClientId,
      localTenantId,
      "Unable to load",
      "remediation",
      "output",
      spine.azurite.blobEndpoint,
    ]) {
      expect(response.text).not.toContain(secret);
    }
    const report = response.json<HealthReport>();
    expect(report.identity).toBeUndefined();
    expect(report.checks["arm:token"]?.[2]).toMatchObject({ status: "fail", errorCategory: "identity-not-found" });
  });

  it("reports an unknown user-assigned client ID as identity-not-found with the fix", async () => {
    const report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
    const unknown = report.checks["storage:token"]?.[2];
    expect(unknown).toMatchObject({ identity: "user-assigned-3", status: "fail", errorCategory: "identity-not-found" });
    expect(unknown?.remediation).toContain(unknownClientId);
    expect(report.checks["identity:endpoint"]?.[2]).toMatchObject({ status: "fail", errorCategory: "identity-not-found" });
  });

  it("shows who each identity is and proves the identity endpoint with a raw call in details", async () => {
    const report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
    // msal-node's name for the source, and the credential of the app's chain that answered.
    expect(report.identity?.source).toBe("AppService");
    expect(report.identity?.credential).toBe("ManagedIdentityCredential");
    expect(report.identity?.credentialFailures).toBeUndefined();
    expect(report.identity?.identities[0]).toMatchObject({
      name: "system",
      objectId: localSystemIdentity.objectId,
      tenantId: localTenantId,
    });
    expect(report.identity?.identities[1]).toMatchObject({
      name: "user-assigned-2",
      clientId: localUserIdentity.clientId,
      objectId: localUserIdentity.objectId,
    });
    expect(report.checks["identity:endpoint"]?.[0]).toMatchObject({ status: "pass", componentType: "system" });
    expect(report.checks["identity:endpoint"]?.[0]?.componentId).toBe(spine.identityEndpoint.appServiceEndpoint);
  });

  it("refuses a token minted for the wrong audience, and the access check of that identity gives the same cause", async () => {
    const report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
    expect(report.checks["storage:token"]?.[1]).toMatchObject({ status: "fail", errorCategory: "audience-invalid" });
    expect(report.checks["storage:token"]?.[1]?.remediation).toContain("another audience than https://storage.azure.com");
    // The bad token never reaches the resource: the access check cannot get a token, for the same reason.
    const access = report.checks["storage:access"]?.[1];
    expect(access).toMatchObject({
      status: "fail",
      errorCategory: "audience-invalid",
      note: "no token for https://storage.azure.com: see storage:token",
    });
    expect(access?.remediation).toBe(report.checks["storage:token"]?.[1]?.remediation);
    expect(report.status).toBe("fail");
  });

  it("drops the bad token: once the endpoint hands out good ones, the next report passes without a restart", async () => {
    spine.identityEndpoint.setFault(undefined);
    try {
      const report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
      expect(report.checks["storage:token"]?.[1]).toMatchObject({ status: "pass", tokenSource: "endpoint" });
      expect(report.checks["storage:access"]?.[1]).toMatchObject({ status: "pass" });
    } finally {
      spine.identityEndpoint.setFault({
        mode: "wrong-audience",
        resource: "https://storage.azure.com",
        clientId: localUserIdentity.clientId,
      });
    }
  });

  it("serves later reports from the token cache and says so", async () => {
    const report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
    expect(report.checks["arm:token"]?.[0]).toMatchObject({ status: "pass", tokenSource: "cache" });
  });

  it("never puts a token or the identity header into a response or log line", () => {
    const everything = capturedOutput.join("\n");
    expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(everything).not.toContain(spine.identityEndpoint.identityHeader);
  });
});
