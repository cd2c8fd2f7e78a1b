// DESIGN §1's layers, as ESLint enforces them: each row lints a small source file as if it stood at `path`
// in src/, with the project's own eslint.config.js, and expects the layering rule to refuse it or let it be.
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const eslint = new ESLint({ cwd: projectRoot });

async function layeringErrors(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${projectRoot}/${path}` });
  return (result?.messages ?? []).filter((message) => message.ruleId === "import-x/no-restricted-paths").map((message) => message.message);
}

describe("the layering rule", () => {
  it.each([
    ["src/identity/upward.ts", 'export { classifyError } from "../probes/classifyError.js";', "identity"],
    ["src/resources/upward.ts", 'export { createIdentityHealth } from "../probes/identityHealth.js";', "resources and services"],
    ["src/services/blob/upward.ts", 'export { blobItem } from "../../functions/blobItem.js";', "resources and services"],
    ["src/probes/upward.ts", 'export { runProbe } from "../cli/probeCommand.js";', "probes"],
    ["src/shared/upward.ts", 'export { storage } from "../resources/storage.js";', "config and shared types"],
    ["src/config.ts", 'export { tokenCheck } from "./probes/tokenCheck.js";', "config and shared types"],
    ["src/composition.ts", 'export { startAzurite } from "../local/azurite.js";', "src/ must not import from local/"],
  ])("refuses %s importing from above: %s", async (path, source, message) => {
    const errors = await layeringErrors(path, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it.each([
    ["src/identity/downward.ts", 'export { isGuid } from "../shared/guid.js";'],
    ["src/probes/downward.ts", 'export { storage } from "../resources/storage.js";'],
    ["src/resources/sideways.ts", 'export { createBlobService } from "../services/blob/blobService.js";'],
    ["src/functions/downward.ts", 'export { createIdentityHealth } from "../probes/identityHealth.js";'],
    ["src/cli/downward.ts", 'export { createAppServices } from "../composition.js";'],
  ])("lets %s import from its layer or below: %s", async (path, source) => {
    expect(await layeringErrors(path, source)).toEqual([]);
  });
});
