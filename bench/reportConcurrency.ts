// One report-latency sample in a fresh process (MSAL's token cache is per process): 4 audiences, each
// answered by the identity endpoint after `d` ms. A concurrent report takes about d, a sequential one 4·d.
import { startIdentityEndpoint } from "../local/identity/identityEndpoint.js";

const delayMs = Number(process.argv[2] ?? 300);
const endpoint = await startIdentityEndpoint();
Object.assign(process.env, endpoint.environment("AppService"), { AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" });
const { loadConfig } = await import("../src/config.js");
const { getProbedIdentities } = await import("../src/identity/sharedCredential.js");
const { createIdentityHealth } = await import("../src/probes/identityHealth.js");
const { probedAudiences } = await import("../src/composition.js");
const { resourceDefinitions } = await import("../src/resources/resourceDefinitions.js");
const config = loadConfig(process.env, "0.0.0", resourceDefinitions);
// Token checks only: the four audiences of the app's resources and ARM, no access checks.
const { describeManagedIdentityHost } = await import("../src/identity/managedIdentityHost.js");
const identityHealth = createIdentityHealth({
  settings: config,
  host: describeManagedIdentityHost(config.managedIdentity, config.appClientId),
  identities: getProbedIdentities(config.identities, {
    appClientId: undefined,
    requestTimeoutMs: config.timeoutMs,
    limits: config.politeness.limits,
    failureMemoryMs: config.politeness.failureMemoryMs,
    managedIdentity: config.managedIdentity,
  }),
  audiences: probedAudiences(config, resourceDefinitions),
  resources: [],
});
endpoint.setFault({ mode: "delay", delayMs });
const started = performance.now();
const report = await identityHealth.getReport({ includeIdentityEndpoint: false });
const elapsed = performance.now() - started;
const audiences = Object.keys(report.checks).filter((key) => key.endsWith(":token")).length;
await endpoint.close();
console.log(JSON.stringify({ delayMs, elapsed, audiences, status: report.status }));
