// The README's troubleshooting section is the signature table's, not a copy that drifts: its table of
// recognised failures is what `npm run docs` renders from the rows, and every error category has its row.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { identitySignatures, transportSignatures } from "../../src/probes/failureSignatures.js";
import { categoryRemediation } from "../../src/probes/remediation.js";
import { resourceDefinitions } from "../../src/resources/resourceDefinitions.js";
import type { ErrorCategory } from "../../src/shared/healthReport.js";
import { endMarker, renderSignatureTable, startMarker } from "../../scripts/signatureTable.mjs";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README troubleshooting", () => {
  it("lists every recognised failure exactly as the signature rows say (npm run docs)", () => {
    const rows = [
      ...identitySignatures.map((signature) => ({ owner: "identity endpoint", signature })),
      ...resourceDefinitions.flatMap((definition) => definition.failureSignatures.map((signature) => ({ owner: definition.displayName, signature }))),
      ...transportSignatures.map((signature) => ({ owner: "transport", signature })),
    ];
    const section = readme.slice(readme.indexOf(startMarker) + startMarker.length, readme.indexOf(endMarker)).trim();
    expect(section).toBe(renderSignatureTable(rows));
    for (const { signature } of rows) expect(section).toContain(`\`${signature.category}\``);
  });

  it("has a row for every error category", () => {
    for (const category of Object.keys(categoryRemediation) as ErrorCategory[]) {
      expect(readme, category).toMatch(new RegExp(`^\\| \`${category}\` \\|`, "m"));
    }
  });
});
