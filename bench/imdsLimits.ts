// One sample in a fresh process (MSAL's token cache is per process, so the cache is cold): five identities ×
// ten audiences against the local identity endpoint speaking IMDS with IMDS's limits enforced (429 beyond 5 in
// flight or 20 a second). The app's own composition builds the report, with the raw identity-endpoint check.
import { startIdentityEndpoint } from "../local/identity/identityEndpoint.js";
import { localIdentitiesForScale, scaleAudiences } from "../local/identity/localIdentities.js";

const identities = localIdentitiesForScale(5);
const endpoint = await startIdentityEndpoint({ identities, imdsLimits: true });
Object.assign(process.env, endpoint.environment("IMDS"), {
  AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential",
  IDENTITY_PROBE_IDENTITIES: identities
    .filter((identity) => identity.kind === "user")
    .map((identity) => identity.clientId)
    .join(","),
  IDENTITY_PROBE_AUDIENCES: scaleAudiences.join(","),
  // 55 requests at 20 a second take about 3 s: a deadline under which a queued check still passes.
  IDENTITY_PROBE_TIMEOUT_MS: "15000",
});
const { loadConfig } = await import("../src/config.js");
const { createAppServices } = await import("../src/composition.js");
const { resourceDefinitions } = await import("../src/resources/resourceDefinitions.js");
const config = loadConfig(process.env, "0.0.0", resourceDefinitions);
const { identityHealth } = createAppServices(config, resourceDefinitions);
const started = performance.now();
const report = await identityHealth.getReport({ includeIdentityEndpoint: true });
const elapsedMs = performance.now() - started;
const entries = Object.entries(report.checks).flatMap(([key, list]) => list.map((entry) => ({ key, status: entry.status })));
const checked = entries.filter((entry) => entry.status !== "skipped");
const requests = endpoint.requests;
console.log(
  JSON.stringify({
    identities: identities.length,
    audiences: Object.keys(report.checks).filter((key) => key.endsWith(":token")).length,
    checks: checked.length,
    passing: checked.filter((entry) => entry.status === "pass").length,
    requests: requests.length,
    throttled: requests.filter((request) => request.status === 429).length,
    peakInFlight: endpoint.peakInFlight,
    elapsedMs,
  }),
);
await endpoint.close();
process.exit(0);
