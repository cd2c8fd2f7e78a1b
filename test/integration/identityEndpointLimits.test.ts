// Its own process, from a cold MSAL cache: five identities × ten audiences against the local identity
// endpoint enforcing IMDS's limits (429 beyond 5 requests at once or 20 a second). The app's gate keeps
// every request within them, so nothing is throttled and every check passes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localIdentitiesForScale, scaleAudiences } from "../../local/identity/localIdentities.js";
import { localResourceGroupScope } from "../../local/rbac/localResources.js";
import { healthIdentityDetails } from "../../src/functions/healthIdentityDetails.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { invokeHttp } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

const identities = localIdentitiesForScale(5);
const userAssigned = identities.filter((identity) => identity.kind === "user");

describe("five identities × ten audiences against IMDS's limits", () => {
  let spine: SpineApp;
  let report: HealthReport;

  beforeAll(async () => {
    spine = await startSpineApp(
      {
        IDENTITY_PROBE_IDENTITIES: userAssigned.map((identity) => identity.clientId).join(","),
        IDENTITY_PROBE_AUDIENCES: scaleAudiences.join(","),
        // 55 requests at 20 a second take about 3 s: a deadline that leaves a queued check time to pass (not warn).
        IDENTITY_PROBE_TIMEOUT_MS: "15000",
      },
      { protocol: "IMDS", identityEndpoint: { identities, imdsLimits: true } },
    );
    // Each probed identity holds Reader on the resource group, as a deployment grants it: arm:access passes.
    for (const identity of userAssigned) spine.roles.setRoles(identity.objectId, localResourceGroupScope, ["Reader"]);
    report = (await invokeHttp(healthIdentityDetails)).json<HealthReport>();
  }, 120_000);
  afterAll(async () => {
    await spine?.close();
  });

  it("passes every check", () => {
    const tokenChecks = Object.entries(report.checks).filter(([key]) => key.endsWith(":token"));
    expect(tokenChecks).toHaveLength(10);
    for (const [key, entries] of Object.entries(report.checks)) {
      expect(
        entries.map((entry) => entry.identity),
        key,
      ).toHaveLength(5);
      for (const entry of entries) {
        if (entry.status === "skipped") continue;
        expect(entry, `${key} ${entry.identity ?? ""} ${JSON.stringify(entry)}`).toMatchObject({ status: "pass" });
      }
    }
    expect(report.status).toBe("pass");
  });

  it("never had more than 5 requests in flight at the endpoint, and none was throttled", () => {
    const requests = spine.identityEndpoint.requests;
    // 50 tokens and 5 raw identity:endpoint calls, each asked once.
    expect(requests.filter((request) => request.status === 200)).toHaveLength(55);
    expect(requests.filter((request) => request.status === 429)).toHaveLength(0);
    expect(spine.identityEndpoint.peakInFlight).toBeLessThanOrEqual(5);
  });
});
