// The README's table of recognised failures, rendered from the signature rows (src/probes/failureSignatures.ts
// and each resource definition's own): `npm run docs` writes it, test/unit/readmeSignatures.test.ts checks it.
export const startMarker = "<!-- failure-signatures:start (npm run docs writes this table) -->";
export const endMarker = "<!-- failure-signatures:end -->";

function cell(text) {
  return String(text).replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

/** What the failure looks like on the wire: status and code, or Node's error code. */
function seenAs(signature) {
  const sample = signature.sample;
  if (sample?.kind === "transport") return `\`${sample.code}\``;
  if (sample?.kind === "http") {
    let code = sample.headers["x-ms-error-code"];
    if (!code) {
      try {
        const body = JSON.parse(sample.body);
        code = typeof body.error === "string" ? body.error : (body.error?.code ?? body.code);
      } catch {
        code = /<Code>([^<]+)<\/Code>/.exec(sample.body)?.[1];
      }
    }
    return [sample.status, code ? `\`${code}\`` : undefined].filter(Boolean).join(" ");
  }
  const code = signature.match.code?.source.replace(/^\^\(?|\)?\$$/g, "").replace(/\|/g, " or ");
  return [signature.match.status?.join("/"), code ? `\`${code}\`` : undefined].filter(Boolean).join(" ") || "(see scenario)";
}

/** @param {readonly { owner: string; signature: import("../src/shared/failureSignature.js").FailureSignature }[]} rows */
export function renderSignatureTable(rows) {
  const lines = ["| where | failure | seen as | `errorCategory` |", "|---|---|---|---|"];
  for (const { owner, signature } of rows)
    lines.push(`| ${cell(owner)} | ${cell(signature.scenario)} | ${cell(seenAs(signature))} | \`${signature.category}\` |`);
  return lines.join("\n");
}

/** The README with the section between the markers replaced by the table. */
export function withSignatureTable(readme, table) {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error("README.md has no failure-signatures markers");
  return `${readme.slice(0, start + startMarker.length)}\n${table}\n${readme.slice(end)}`;
}
