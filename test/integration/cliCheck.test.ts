// `identity-probe check`, the built CLI, reading reports from a loopback server that stands in for a
// deployed app. The reports are real: made by `identity-probe probe --json` against the local identity
// endpoint and Azurite.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { summarizeReport } from "../../src/probes/reportSummary.js";
import type { HealthReport } from "../../src/shared/healthReport.js";
import { cliEnvironment, closedLoopbackPort, reportAnswer, runCli, startReportServer, type ReportServer } from "../fixtures/cli.js";
import { issueTestCertificate, startTestAzurite, startTestIdentityEndpoint, type TestAzurite } from "../fixtures/localServices.js";
import { registerSecret } from "../fixtures/secretScan.js";

const unknownClientId = "0badc0de-0000-4000-8000-000000000404";
const detailsPath = "/api/health/identity/details";
const functionKey = `key-${randomBytes(24).toString("base64url")}`;
registerSecret(functionKey);

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

describe("identity-probe check against a served report", () => {
  let endpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let server: ReportServer;
  let passReport: HealthReport;
  let failReport: HealthReport;
  let warnReport: HealthReport;
  let detailsUrl: string;

  beforeAll(async () => {
    endpoint = await startTestIdentityEndpoint();
    azurite = await startTestAzurite();
    const env = cliEnvironment({
      ...endpoint.environment("AppService"),
      AZURE_POD_IDENTITY_AUTHORITY_HOST: undefined,
      AZURE_STORAGE_BLOB_ENDPOINT: azurite.blobEndpoint,
      // Generous: a loaded machine must not turn the passing report into a warn (slower than half the deadline).
      IDENTITY_PROBE_TIMEOUT_MS: "20000",
    });
    const passing = await runCli(["probe", "--json"], { env });
    expect(passing.exitCode).toBe(0);
    passReport = JSON.parse(passing.stdout) as HealthReport;
    const failing = await runCli(["probe", "--json", "--identity", unknownClientId], { env });
    expect(failing.exitCode).toBe(1);
    failReport = JSON.parse(failing.stdout) as HealthReport;
    // A warn as the app reports one: a check slower than half its deadline, with the note saying so.
    const [slow, ...rest] = passReport.checks["storage:access"] ?? [];
    if (!slow) throw new Error("the passing report has no storage:access check");
    warnReport = {
      ...passReport,
      status: "warn",
      checks: {
        ...passReport.checks,
        "storage:access": [{ ...slow, status: "warn", note: "slow: took more than half of the 5000 ms deadline" }, ...rest],
      },
    };
    server = await startReportServer();
    detailsUrl = `${server.url}${detailsPath}`;
  });
  afterAll(async () => {
    await server?.close();
    await azurite?.close();
    await endpoint?.close();
  });

  it("exits 0 for a passing report, sending the key in x-functions-key and never printing it", async () => {
    server.answer(() => reportAnswer(passReport));
    const before = server.requests.length;
    const run = await runCli(["check", "--url", detailsUrl, "--key", functionKey]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^identity-probe: PASS/);
    expect(run.stdout).toMatch(/^storage:access\s+system\s+pass\s+\d+ ms/m);
    const request = server.requests[before];
    expect(request?.path).toBe(detailsPath);
    expect(request?.headers["x-functions-key"]).toBe(functionKey);
    expect(run.stdout + run.stderr).not.toContain(functionKey);
  });

  it("exits 1 for a failing report (503), with the category and the fix", async () => {
    server.answer(() => reportAnswer(failReport));
    const run = await runCli(["check", "--url", detailsUrl, "--key", functionKey]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^identity-probe: FAIL/);
    expect(run.stdout).toMatch(/^arm:token\s+user-assigned-2\s+fail\s+\d+ ms\s+identity-not-found$/m);
    expect(run.stdout).toMatch(new RegExp(`fix: .*${unknownClientId}`));
  });

  it("exits 0 for warn, and 1 for warn with --strict", async () => {
    server.answer(() => reportAnswer(warnReport));
    const lenient = await runCli(["check", "--url", detailsUrl, "--key", functionKey]);
    expect(lenient.exitCode).toBe(0);
    expect(lenient.stdout).toMatch(/^identity-probe: WARN/);
    expect(lenient.stdout).toContain("note: slow: took more than half");
    const strict = await runCli(["check", "--url", detailsUrl, "--key", functionKey, "--strict"]);
    expect(strict.exitCode).toBe(1);
  });

  it("accepts the anonymous summary route and says where the fix is", async () => {
    server.answer(() => reportAnswer(summarizeReport(failReport)));
    const run = await runCli(["check", "--url", `${server.url}/api/health/identity`]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^arm:token\s+user-assigned-2\s+fail\s+\d+ ms\s+identity-not-found$/m);
    expect(run.stdout).toContain("anonymous summary");
    expect(server.requests.at(-1)?.headers["x-functions-key"]).toBeUndefined();
  });

  it("prints the report itself with --json", async () => {
    server.answer(() => reportAnswer(failReport));
    const run = await runCli(["check", "--url", detailsUrl, "--key", functionKey, "--json"]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(failReport);
  });

  it("reads a report over https, trusting the CA in NODE_EXTRA_CA_CERTS", async () => {
    const certificate = await issueTestCertificate("cli-report-server");
    const tlsServer = await startReportServer({ tls: certificate });
    try {
      tlsServer.answer(() => reportAnswer(passReport));
      const run = await runCli(["check", "--url", `${tlsServer.url}${detailsPath}`, "--key", functionKey]);
      expect(run.stderr).toBe("");
      expect(run.exitCode).toBe(0);
      expect(tlsServer.requests[0]?.headers["x-functions-key"]).toBe(functionKey);
    } finally {
      await tlsServer.close();
    }
  });

  it("exits 2 with a one-line reason when the app is unreachable", async () => {
    const port = await closedLoopbackPort();
    const run = await runCli(["check", "--url", `http://127.0.0.1:${port}${detailsPath}`, "--key", functionKey]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    expect(lines(run.stderr)).toEqual([expect.stringMatching(/^identity-probe: cannot reach .*connection refused \(ECONNREFUSED\)$/)]);
  });

  it("exits 2 when the app does not answer within --timeout", async () => {
    server.answer(() => ({ status: 200, hang: true }));
    const run = await runCli(["check", "--url", detailsUrl, "--timeout", "500"]);
    expect(run.exitCode).toBe(2);
    expect(lines(run.stderr)).toEqual([expect.stringMatching(/^identity-probe: no answer from .* within 500 ms$/)]);
  });

  it("exits 2 when the app stops sending the body before --timeout", async () => {
    server.answer(() => ({ ...reportAnswer(passReport), stall: true }));
    const run = await runCli(["check", "--url", detailsUrl, "--timeout", "800"]);
    expect(run.exitCode).toBe(2);
    expect(lines(run.stderr)).toEqual([expect.stringMatching(/^identity-probe: no answer from .* within 800 ms$/)]);
  });

  it.each([
    [
      "an HTML page",
      { status: 200, headers: { "content-type": "text/html" }, body: "<html><body>Your app is up</body></html>" },
      /not JSON \(text\/html\)/,
    ],
    [
      "JSON that is not a report",
      { status: 200, headers: { "content-type": "application/json" }, body: '{"hello":"world"}' },
      /not a health report \(status: /,
    ],
    [
      "a report with an unknown status",
      { status: 200, body: '{"status":"ok","version":"1","releaseId":"1","serviceId":"x","time":"t","checks":{}}' },
      /not a health report \(status/,
    ],
    [
      "the platform's 503 page",
      { status: 503, headers: { "content-type": "text/html" }, body: "<h1>Service Unavailable</h1>" },
      /answered 503 with a body that is not JSON/,
    ],
    ["a 404", { status: 404, body: "" }, /answered 404: no such route/],
    [
      "a redirect to a sign-in page",
      { status: 302, headers: { location: "https://login.example.net/?code=abc" }, body: "" },
      /redirect to https:\/\/login\.example\.net\/\?…: pass the final URL/,
    ],
  ])("exits 2 with a one-line reason for %s", async (_name, answer, reason) => {
    server.answer(() => answer);
    const before = server.requests.length;
    const run = await runCli(["check", "--url", detailsUrl, "--key", functionKey]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    expect(lines(run.stderr)).toEqual([expect.stringMatching(reason)]);
    // A redirect is not followed: the key goes nowhere but where --url points.
    expect(server.requests.length).toBe(before + 1);
    expect(run.stderr).not.toContain(functionKey);
  });

  it("exits 2 when the key is refused, without printing the key even when the server echoes it", async () => {
    server.answer((request) => ({
      status: 401,
      headers: { "content-type": "application/problem+json" },
      body: JSON.stringify({
        type: "about:blank",
        title: "Unauthorized",
        status: 401,
        detail: `key ${String(request.headers["x-functions-key"])} is not valid`,
      }),
    }));
    const run = await runCli(["check", "--url", detailsUrl, "--key", functionKey]);
    expect(run.exitCode).toBe(2);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/answered 401 \(Unauthorized: key \[redacted\] is not valid\): the function key was not accepted$/),
    ]);
    expect(run.stderr).not.toContain(functionKey);

    const withoutKey = await runCli(["check", "--url", detailsUrl]);
    expect(withoutKey.exitCode).toBe(2);
    expect(withoutKey.stderr).toMatch(/this route needs a function key \(--key\)/);
  });

  it("keeps a key given as ?code= out of every message", async () => {
    const port = await closedLoopbackPort();
    const run = await runCli(["check", "--url", `http://127.0.0.1:${port}${detailsPath}?code=${functionKey}`]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${detailsPath}?…`);
    expect(run.stderr).not.toContain(functionKey);
  });
});
