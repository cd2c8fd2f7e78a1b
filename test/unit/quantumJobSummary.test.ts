import { describe, expect, it } from "vitest";
import { summarizeJob } from "../../src/services/quantum/quantumJobService.js";
import { redactSas, withoutSas } from "../../src/services/quantum/redactSas.js";

const sasUrl = "https://acct.blob.core.windows.net/job-1/inputData?sv=2025-11-05&sr=c&sig=abc%2Bdef%3D&se=2026-11-24T00%3A00%3A00Z&sp=rcw";

describe("job summaries keep SAS URLs out", () => {
  it("exposes the job's identity, status and times, and no storage URI", () => {
    const summary = summarizeJob({
      id: "00000000-0000-4000-8000-000000000002",
      name: "my-job",
      status: "Failed",
      target: "ionq.simulator",
      providerId: "ionq",
      containerUri: sasUrl,
      inputDataUri: sasUrl,
      outputDataUri: sasUrl,
      creationTime: "2026-11-23T12:00:00Z",
      beginExecutionTime: null,
      endExecutionTime: "2026-11-23T12:01:00Z",
      cancellationTime: null,
      errorData: { code: "InvalidInputData", message: `could not read ${sasUrl}` },
    });
    expect(summary).toEqual({
      id: "00000000-0000-4000-8000-000000000002",
      name: "my-job",
      status: "Failed",
      target: "ionq.simulator",
      providerId: "ionq",
      creationTime: "2026-11-23T12:00:00Z",
      endExecutionTime: "2026-11-23T12:01:00Z",
      errorData: { code: "InvalidInputData", message: expect.stringContaining("sig=REDACTED&se=") },
    });
    expect(JSON.stringify(summary)).not.toContain("abc%2Bdef");
  });

  it.each([
    [sasUrl, "sig=REDACTED&se="],
    ["see https://x/y?SIG=secret", "SIG=REDACTED"],
    ["a 'https://x/y?a=1&sig=s3cr3t' quoted", "sig=REDACTED'"],
    ["no signature here", "no signature here"],
  ])("redacts the signature in %s", (text, expected) => {
    expect(redactSas(text)).toContain(expected);
    expect(redactSas(text)).not.toMatch(/s3cr3t|secret|abc%2B/);
  });

  it("drops the query string from a blob URL", () => {
    expect(withoutSas(sasUrl)).toBe("https://acct.blob.core.windows.net/job-1/inputData");
  });
});
