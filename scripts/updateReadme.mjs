// `npm run docs`: rewrites README.md's table of recognised failures from the built signature rows.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderSignatureTable, withSignatureTable } from "./signatureTable.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { identitySignatures, transportSignatures } = await import(join(root, "dist/src/probes/failureSignatures.js"));
const { resourceDefinitions } = await import(join(root, "dist/src/resources/resourceDefinitions.js"));
const rows = [
  ...identitySignatures.map((signature) => ({ owner: "identity endpoint", signature })),
  ...resourceDefinitions.flatMap((definition) => definition.failureSignatures.map((signature) => ({ owner: definition.displayName, signature }))),
  ...transportSignatures.map((signature) => ({ owner: "transport", signature })),
];
const path = join(root, "README.md");
await writeFile(path, withSignatureTable(await readFile(path, "utf8"), renderSignatureTable(rows)));
process.stdout.write(`README.md: ${rows.length} recognised failures\n`);
