import { describe, expect, it } from "vitest";
import { renderReportTable, shouldUseColor, type ReportView } from "../../src/cli/reportTable.js";
import { summarizeReport } from "../../src/probes/reportSummary.js";
import type { HealthReport } from "../../src/shared/healthReport.js";

const time = "2026-11-23T12:00:00.000Z";
const report: HealthReport = {
  status: "fail",
  version: "1",
  releaseId: "0.1.0",
  serviceId: "identity-probe-prod",
  time,
  identity: {
    source: "AppService",
    credential: "ManagedIdentityCredential",
    identities: [
      { name: "system", objectId: "11111111-0000-4000-8000-000000000001", tenantId: "22222222-0000-4000-8000-000000000002" },
      { name: "user-assigned-2", clientId: "33333333-0000-4000-8000-000000000003" },
    ],
  },
  checks: {
    "storage:token": [
      {
        componentId: "https://storage.azure.com",
        componentType: "audience",
        identity: "system",
        status: "pass",
        observedValue: 12,
        observedUnit: "ms",
        time,
      },
      {
        componentId: "https://storage.azure.com",
        componentType: "audience",
        identity: "user-assigned-2",
        status: "fail",
        observedValue: 1234,
        observedUnit: "ms",
        time,
        errorCategory: "identity-not-found",
        output: "400",
        remediation: "Assign the user-assigned identity 33333333-0000-4000-8000-000000000003 to the app.",
      },
    ],
    "storage:access": [
      {
        componentId: "https://acct.blob.core.windows.net/identity-probe",
        componentType: "datastore",
        identity: "system",
        status: "warn",
        observedValue: 40,
        observedUnit: "ms",
        time,
        errorCategory: "forbidden",
        output: "403 AuthorizationPermissionMismatch",
        note: "likely a role assignment still propagating",
        remediation: "Assign 'Storage Blob Data Contributor' to principal 11111111-0000-4000-8000-000000000001.",
      },
    ],
    "webpubsub:access": [
      {
        componentId: "webpubsub",
        componentType: "datastore",
        identity: "system",
        status: "skipped",
        time,
        output: "AZURE_WEBPUBSUB_ENDPOINT is not set",
      },
    ],
  },
};

function rowsOf(table: string): string[][] {
  return table
    .split("\n")
    .filter((line) => /^\S+:\S+\s/.test(line))
    .map((line) => line.split(/\s{2,}/));
}

describe("renderReportTable", () => {
  it("has one row per check and identity: check, identity, status, latency, category", () => {
    const table = renderReportTable(report, { color: false });
    expect(rowsOf(table)).toEqual([
      ["storage:token", "system", "pass", "12 ms"],
      ["storage:token", "user-assigned-2", "fail", "1234 ms", "identity-not-found"],
      ["storage:access", "system", "warn", "40 ms", "forbidden"],
      ["webpubsub:access", "system", "skipped", "-"],
    ]);
    expect(table).toMatch(/^CHECK\s+IDENTITY\s+STATUS\s+LATENCY\s+CATEGORY$/m);
    expect(table).toMatch(/^identity-probe: FAIL {2}service identity-probe-prod · release 0\.1\.0 · 2026-11-23T12:00:00\.000Z$/m);
    expect(table).toContain("4 checks: 1 pass, 1 warn, 1 fail, 1 skipped");
  });

  it("says under a row when its result was remembered rather than asked again, and how old it is", () => {
    const remembered: HealthReport = {
      ...report,
      checks: {
        "identity:endpoint": [
          {
            componentId: "http://127.0.0.1:1234/msi/token",
            componentType: "system",
            identity: "system",
            status: "pass",
            observedValue: 8,
            observedUnit: "ms",
            time,
            remembered: { observedAt: "2026-11-23T11:59:20.000Z", ageSeconds: 40, nextAttemptAt: "2026-11-23T12:00:20.000Z" },
          },
        ],
      },
    };
    const lines = renderReportTable(remembered, { color: false }).split("\n");
    const row = lines.findIndex((line) => line.startsWith("identity:endpoint"));
    expect(lines[row + 1]?.trim()).toBe(
      "remembered: observed 40 s ago (2026-11-23T11:59:20.000Z); asked again from 2026-11-23T12:00:20.000Z",
    );
  });

  it("aligns the columns", () => {
    const lines = renderReportTable(report, { color: false }).split("\n");
    const header = lines.find((line) => line.startsWith("CHECK")) ?? "";
    const statusColumn = header.indexOf("STATUS");
    for (const line of lines.filter((candidate) => /^\S+:\S+\s/.test(candidate))) {
      expect(line.slice(statusColumn)).toMatch(/^(pass|warn|fail|skipped)\b/);
    }
  });

  it("puts the cause and the fix below failing and warning rows, and nothing below passing rows", () => {
    const lines = renderReportTable(report, { color: false }).split("\n");
    const below = (check: string, identity: string): string[] => {
      const start = lines.findIndex((line) => {
        const [first, second] = line.split(/\s{2,}/);
        return first === check && second === identity;
      });
      expect(start).toBeGreaterThan(-1);
      const end = lines.findIndex((line, index) => index > start && !line.startsWith("  "));
      return lines.slice(start + 1, end).map((line) => line.trim());
    };
    expect(below("storage:token", "system")).toEqual([]);
    expect(below("storage:token", "user-assigned-2")).toEqual([
      "output: 400",
      "fix: Assign the user-assigned identity 33333333-0000-4000-8000-000000000003 to the app.",
    ]);
    expect(below("storage:access", "system")).toEqual([
      "note: likely a role assignment still propagating",
      "fix: Assign 'Storage Blob Data Contributor' to principal 11111111-0000-4000-8000-000000000001.",
    ]);
    expect(below("webpubsub:access", "system")).toEqual(["skipped: AZURE_WEBPUBSUB_ENDPOINT is not set"]);
  });

  it("names the identity source and the credential that answered, and lists who each identity is", () => {
    const table = renderReportTable(report, { color: false });
    expect(table).toContain("source: AppService · credential: ManagedIdentityCredential\nidentities:\n");
    expect(table).toContain("  system (object 11111111-0000-4000-8000-000000000001, tenant 22222222-0000-4000-8000-000000000002)\n");
    expect(table).toContain("  user-assigned-2 (client 33333333-0000-4000-8000-000000000003)\n");
  });

  it("has no escape sequences without colour, and coloured statuses with it", () => {
    expect(renderReportTable(report, { color: false })).not.toContain("\u001b");
    const coloured = renderReportTable(report, { color: true });
    expect(coloured).toContain("\u001b[32mpass");
    expect(coloured).toContain("\u001b[31m\u001b[1mfail");
    expect(coloured).toContain("\u001b[33mwarn");
    // Colour does not change the layout: without the escapes it is the plain table.
    expect(coloured.replace(/\p{Cc}\[\d+m/gu, "")).toBe(renderReportTable(report, { color: false }));
  });

  it("lists the chain's failures in order when no credential answered", () => {
    const failed: HealthReport = {
      ...report,
      identity: {
        source: "DefaultToImds",
        credentialFailures: [
          { credential: "EnvironmentCredential", error: "CredentialUnavailableError", message: "EnvironmentCredential is unavailable." },
          { credential: "AzureCliCredential", error: "CredentialUnavailableError", message: "Please run 'az login'." },
        ],
        identities: [{ name: "system" }],
      },
    };
    const lines = renderReportTable(failed, { color: false }).split("\n");
    const at = lines.indexOf("source: DefaultToImds · credential: none answered");
    expect(lines.slice(at + 1, at + 3)).toEqual([
      "  EnvironmentCredential: CredentialUnavailableError: EnvironmentCredential is unavailable.",
      "  AzureCliCredential: CredentialUnavailableError: Please run 'az login'.",
    ]);
  });

  it("renders the anonymous summary and says where the fix is", () => {
    const table = renderReportTable(summarizeReport(report), { color: false });
    expect(rowsOf(table)[1]).toEqual(["storage:token", "user-assigned-2", "fail", "1234 ms", "identity-not-found"]);
    expect(table).not.toContain("identities:");
    expect(table).toContain("This is the anonymous summary");
  });

  it("strips control characters that a server put in a report", () => {
    const hostile: ReportView = {
      ...report,
      serviceId: "evil\u001b]0;pwned\u0007",
      checks: {
        "storage:token\u001b[2J": [
          { identity: "system\r", status: "fail", errorCategory: "x\u001b[31m", remediation: "run\u001b[8m hidden" },
        ],
      },
    };
    expect(renderReportTable(hostile, { color: false })).not.toMatch(/(?!\n)\p{Cc}/u);
  });
});

describe("shouldUseColor", () => {
  it.each([
    [true, undefined, true],
    [true, "", true],
    [true, "1", false],
    [true, "0", false],
    [false, undefined, false],
    [undefined, undefined, false],
  ])("stdout TTY %s, NO_COLOR %j → %s", (isTTY, noColor, expected) => {
    expect(shouldUseColor({ isTTY, noColor })).toBe(expected);
  });
});
