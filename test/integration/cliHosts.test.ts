// `identity-probe probe` on each host the CLI is meant for — a VM (plain IMDS), an Azure ML compute instance,
// App Service / Functions, a developer's own `az` sign-in, and a machine with none of them — each a fresh CLI
// process over the wire, with DefaultAzureCredential's whole chain (AZURE_TOKEN_CREDENTIALS unset). The report
// names the source as msal-node does and the credential that answered; exit codes are as ever.
import { randomBytes } from "node:crypto";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { cliEnvironment, closedLoopbackPort, runCli, type ChildEnvironment } from "../fixtures/cli.js";
import { UnsecuredJWT } from "jose";
import { localTenantId, localUnprivilegedIdentity, localUserIdentity } from "../../local/identity/localIdentities.js";
import { hostWithEntraId, machineWithoutImds, vmWithImds, type EntraHost } from "../fixtures/imdsNamespace.js";
import {
  makeTempDir,
  startTestAzurite,
  startTestIdentityEndpoint,
  testCa,
  type TempDir,
  type TestAzurite,
} from "../fixtures/localServices.js";
import { registerSecret } from "../fixtures/secretScan.js";

const audiences = [
  "https://storage.azure.com",
  "https://webpubsub.azure.com",
  "https://quantum.microsoft.com",
  "https://management.azure.com",
];

/**
 * The settings the CLI runs with: the test process's environment without what the test setup put there for
 * in-process tests (a closed IMDS port; DefaultAzureCredential narrowed to its managed identity credential), so
 * that the whole chain runs, plus `settings`. Undefined removes a variable.
 */
function hostSettings(settings: ChildEnvironment): ChildEnvironment {
  return {
    AZURE_POD_IDENTITY_AUTHORITY_HOST: undefined,
    AZURE_TOKEN_CREDENTIALS: undefined,
    IDENTITY_PROBE_TIMEOUT_MS: "20000",
    ...settings,
  };
}

/** The whole environment for a CLI in a namespace of its own (cliEnvironment insists on an endpoint on loopback). */
function namespaceEnvironment(settings: ChildEnvironment): ChildEnvironment {
  const environment: ChildEnvironment = { ...process.env };
  for (const [name, value] of Object.entries(hostSettings(settings))) {
    if (value === undefined) delete environment[name];
    else environment[name] = value;
  }
  return environment;
}

function reportOf(stdout: string): HealthReport {
  return JSON.parse(stdout) as HealthReport;
}

describe("identity-probe probe on each host", () => {
  let endpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let bin: TempDir;

  beforeAll(async () => {
    endpoint = await startTestIdentityEndpoint();
    azurite = await startTestAzurite();
    // A stand-in for the Azure CLI: `az account get-access-token --output json --resource <r>` prints what the
    // real one prints (accessToken, expiresOn, expires_on, subscription, tenant, tokenType: Azure/azure-cli
    // profile/custom.py get_access_token; "expires_on … POSIX timestamp", MicrosoftDocs/azure-docs-cli
    // includes/access-token.md), here with a token the local identity endpoint signed for that resource.
    bin = await makeTempDir("az");
    const cases: string[] = [];
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    for (const resource of audiences) {
      const token = await endpoint.mintToken({ resource, lifetimeSeconds: 3600 });
      registerSecret(token);
      const body = JSON.stringify({
        accessToken: token,
        expiresOn: new Date(expiresOn * 1000).toISOString().replace("T", " ").replace("Z", "000"),
        expires_on: expiresOn,
        subscription: "00000000-1d00-4000-8000-000000000001",
        tenant: endpoint.tenantId,
        tokenType: "Bearer",
      });
      cases.push(`  ${resource}) printf '%s\\n' '${body}' ;;`);
    }
    const script = [
      "#!/bin/sh",
      '[ "$1 $2 $3 $4" = "account get-access-token --output json" ] || { echo "ERROR: unexpected arguments: $*" >&2; exit 2; }',
      'case "$6" in',
      ...cases,
      '  *) echo "ERROR: no token for $6" >&2; exit 1 ;;',
      "esac",
    ].join("\n");
    await writeFile(join(bin.path, "az"), `${script}\n`);
    await chmod(join(bin.path, "az"), 0o755);
  });
  afterAll(async () => {
    await bin?.close();
    await azurite?.close();
    await endpoint?.close();
  });

  it("on App Service / Functions: source AppService, credential ManagedIdentityCredential", async () => {
    const env = cliEnvironment(hostSettings({ ...endpoint.environment("AppService"), AZURE_STORAGE_BLOB_ENDPOINT: azurite.blobEndpoint }));
    const run = await runCli(["probe", "--json"], { env });
    expect(run.exitCode).toBe(0);
    const report = reportOf(run.stdout);
    expect(report.identity).toMatchObject({ source: "AppService", credential: "ManagedIdentityCredential" });
    expect(report.checks["identity:endpoint"]?.[0]).toMatchObject({ status: "pass", componentId: endpoint.appServiceEndpoint });
    expect(report.checks["storage:access"]?.[0]?.status).toBe("pass");
  });

  it("on an Azure ML compute instance: source MachineLearning, its 2017-09-01 protocol with the compute's client ID", async () => {
    const env = cliEnvironment(
      hostSettings({ ...endpoint.environment("MachineLearning"), AZURE_STORAGE_BLOB_ENDPOINT: azurite.blobEndpoint }),
    );
    endpoint.resetRequests();
    const run = await runCli(["probe", "--json"], { env });
    expect(run.exitCode).toBe(0);
    const report = reportOf(run.stdout);
    expect(report.identity).toMatchObject({ source: "MachineLearning", credential: "ManagedIdentityCredential" });
    expect(report.checks["identity:endpoint"]?.[0]).toMatchObject({ status: "pass", componentId: `${endpoint.url}/MSI/token` });
    expect(report.checks["storage:access"]?.[0]?.status).toBe("pass");
    expect(new Set(endpoint.requests.map((request) => request.protocol))).toEqual(new Set(["MachineLearning"]));
    // The table names them too.
    const table = await runCli(["probe"], { env });
    expect(table.stdout).toContain("source: MachineLearning · credential: ManagedIdentityCredential");
  });

  it("with a developer's az sign-in: source DefaultToImds, credential AzureCliCredential, the raw check skipped, exit 0", async () => {
    // No managed identity here: IMDS at a closed loopback port refuses at once; the chain goes on to `az`.
    const env = cliEnvironment(
      hostSettings({
        AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${await closedLoopbackPort()}`,
        AZURE_STORAGE_BLOB_ENDPOINT: azurite.blobEndpoint,
        PATH: `${bin.path}:${process.env.PATH ?? ""}`,
      }),
    );
    const run = await runCli(["probe", "--json"], { env });
    expect(run.stderr).toBe("");
    expect(run.exitCode, run.stdout).toBe(0);
    const report = reportOf(run.stdout);
    expect(report.identity).toMatchObject({ source: "DefaultToImds", credential: "AzureCliCredential" });
    for (const audience of ["storage", "webpubsub", "quantum", "arm"])
      expect(report.checks[`${audience}:token`]?.[0]?.status, audience).toBe("pass");
    expect(report.checks["storage:access"]?.[0]?.status).toBe("pass");
    expect(report.checks["identity:endpoint"]?.[0]).toMatchObject({
      status: "skipped",
      output: expect.stringContaining("the app's tokens came from AzureCliCredential"),
    });
    const table = await runCli(["probe"], { env });
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toContain("source: DefaultToImds · credential: AzureCliCredential");
  });

  it("on a VM: plain IMDS at 169.254.169.254 (in a namespace of its own), source DefaultToImds, credential ManagedIdentityCredential", async () => {
    const run = await runCli(["probe", "--json"], { env: namespaceEnvironment({}), wrap: vmWithImds, timeoutMs: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const report = reportOf(run.stdout);
    expect(report.identity).toMatchObject({ source: "DefaultToImds", credential: "ManagedIdentityCredential" });
    expect(report.checks["identity:endpoint"]?.[0]).toMatchObject({
      status: "pass",
      componentId: "http://169.254.169.254/metadata/identity/oauth2/token",
    });
    expect(report.checks["arm:token"]?.[0]?.status).toBe("pass");
  });

  it("where no credential answers: every failure of the chain in order, and the raw IMDS check fails within its connect deadline", async () => {
    const started = performance.now();
    const run = await runCli(["probe", "--json", "--timeout", "8000"], {
      env: namespaceEnvironment({}),
      wrap: machineWithoutImds,
      timeoutMs: 60_000,
    });
    expect(run.exitCode).toBe(1);
    const report = reportOf(run.stdout);
    expect(report.identity?.source).toBe("DefaultToImds");
    expect(report.identity?.credential).toBeUndefined();
    expect(report.identity?.credentialFailures?.map((failure) => failure.credential)).toEqual([
      "EnvironmentCredential",
      "ManagedIdentityCredential",
      "VisualStudioCodeCredential",
      "AzureCliCredential",
      "AzurePowerShellCredential",
      "AzureDeveloperCliCredential",
    ]);
    expect(report.identity?.credentialFailures?.[3]?.message).toContain("Azure CLI could not be found");
    const raw = report.checks["identity:endpoint"]?.[0];
    expect(raw).toMatchObject({ status: "fail", errorCategory: "identity-unavailable", output: "IdentityEndpointConnectTimeout" });
    expect(raw?.observedValue).toBeLessThan(4_000);
    expect(raw?.remediation).toContain("Nothing accepted a connection at 169.254.169.254 within a second");
    expect(performance.now() - started).toBeLessThan(45_000);
  });
});

describe("identity-probe probe where Microsoft Entra ID issues the tokens: an AKS pod, a pipeline with a service principal", () => {
  // The pod's projected service account token, as the AKS webhook mounts it (AZURE_FEDERATED_TOKEN_FILE): an
  // OIDC issuer of the cluster, the service account as subject, api://AzureADTokenExchange as audience.
  const issuer = `https://eastus.oic.prod-aks.azure.com/${localTenantId}/6a4d1b55-0000-4000-8000-00000000c001/`;
  const subject = "system:serviceaccount:identity-probe:identity-probe";
  const audience = "api://AzureADTokenExchange";
  let dir: TempDir;
  let host: EntraHost;
  const clientSecret = `local~${randomBytes(24).toString("base64url")}`;
  registerSecret(clientSecret);

  async function serviceAccountToken(name: string, claims: { sub: string }): Promise<string> {
    const token = new UnsecuredJWT({})
      .setIssuer(issuer)
      .setSubject(claims.sub)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime("1h")
      .encode();
    registerSecret(token);
    const path = join(dir.path, name);
    await writeFile(path, token);
    return path;
  }

  beforeAll(async () => {
    dir = await makeTempDir("workload-identity");
    const certificate = await (
      await testCa()
    ).issueServerCertificate(`login-microsoftonline-${process.pid}`, ["login.microsoftonline.com"]);
    const hostsPath = join(dir.path, "hosts");
    await writeFile(hostsPath, "127.0.0.1 localhost\n127.0.0.1 login.microsoftonline.com\n");
    host = {
      hostsPath,
      certPath: certificate.certPath,
      keyPath: certificate.keyPath,
      tenantId: localTenantId,
      federatedCredential: { clientId: localUserIdentity.clientId, issuer, subject, audience },
      clientSecret: { clientId: localUnprivilegedIdentity.clientId, secret: clientSecret },
    };
  });
  afterAll(async () => {
    await dir?.close();
  });

  const podSettings = (tokenFile: string): ChildEnvironment =>
    namespaceEnvironment({
      AZURE_TENANT_ID: localTenantId,
      AZURE_CLIENT_ID: localUserIdentity.clientId,
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
    });

  it("gets every token from Microsoft Entra ID through WorkloadIdentityCredential, and says there is no endpoint to check", async () => {
    const tokenFile = await serviceAccountToken("token", { sub: subject });
    const run = await runCli(["probe", "--json"], { env: podSettings(tokenFile), wrap: hostWithEntraId(host), timeoutMs: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const report = reportOf(run.stdout);
    expect(report.identity?.credential).toBe("WorkloadIdentityCredential");
    for (const audienceKey of ["storage:token", "webpubsub:token", "quantum:token", "arm:token"])
      expect(report.checks[audienceKey]?.[0], audienceKey).toMatchObject({ status: "pass" });
    expect(report.checks["identity:endpoint"]?.[0]).toMatchObject({ status: "skipped" });

    const table = await runCli(["probe"], { env: podSettings(tokenFile), wrap: hostWithEntraId(host), timeoutMs: 60_000 });
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toContain("credential: WorkloadIdentityCredential");
  });

  it("names a service account token that no federated credential accepts (AADSTS70021) as misconfigured, with the fix", async () => {
    const tokenFile = await serviceAccountToken("other-token", { sub: "system:serviceaccount:default:default" });
    const run = await runCli(["probe", "--json"], { env: podSettings(tokenFile), wrap: hostWithEntraId(host), timeoutMs: 60_000 });
    expect(run.exitCode).toBe(1);
    const report = reportOf(run.stdout);
    const storage = report.checks["storage:token"]?.[0];
    expect(storage).toMatchObject({ status: "fail", errorCategory: "misconfigured" });
    expect(storage?.remediation).toContain("federated identity credential");
  });

  const pipelineSettings = (secret: string): ChildEnvironment =>
    namespaceEnvironment({
      AZURE_TENANT_ID: localTenantId,
      AZURE_CLIENT_ID: localUnprivilegedIdentity.clientId,
      AZURE_CLIENT_SECRET: secret,
    });

  it("in a pipeline with a service principal: every token from Microsoft Entra ID through EnvironmentCredential", async () => {
    const run = await runCli(["probe", "--json"], { env: pipelineSettings(clientSecret), wrap: hostWithEntraId(host), timeoutMs: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const report = reportOf(run.stdout);
    expect(report.identity?.credential).toBe("EnvironmentCredential");
    for (const audienceKey of ["storage:token", "webpubsub:token", "quantum:token", "arm:token"])
      expect(report.checks[audienceKey]?.[0], audienceKey).toMatchObject({ status: "pass" });
  });

  it("names a client secret Entra refuses (AADSTS7000215) as misconfigured, with the fix, and not as the identity header", async () => {
    const wrongSecret = `local~${randomBytes(24).toString("base64url")}`;
    registerSecret(wrongSecret);
    const run = await runCli(["probe", "--json"], { env: pipelineSettings(wrongSecret), wrap: hostWithEntraId(host), timeoutMs: 60_000 });
    expect(run.exitCode).toBe(1);
    const storage = reportOf(run.stdout).checks["storage:token"]?.[0];
    expect(storage).toMatchObject({ status: "fail", errorCategory: "misconfigured" });
    expect(storage?.remediation).toContain("AZURE_CLIENT_SECRET must be the value of a current secret");
    expect(run.stdout).not.toContain(wrongSecret);
  });
});
