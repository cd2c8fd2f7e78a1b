import { describe, expect, it } from "vitest";
import { describeProbe, probeEnvironment } from "../../src/cli/probeCommand.js";
import { loadConfig } from "../../src/config.js";
import { resourceDefinitions } from "../../src/resources/resourceDefinitions.js";

const clientId = "5e0c1d00-0000-4000-8000-00000000a002";

describe("probeEnvironment", () => {
  it("puts each flag in place of the setting it stands for, in a copy", () => {
    const base = Object.freeze({
      IDENTITY_PROBE_IDENTITIES: "system",
      IDENTITY_PROBE_AUDIENCES: "https://a.example",
      IDENTITY_PROBE_TIMEOUT_MS: "9000",
      OTHER: "kept",
    });
    const env = probeEnvironment(base, {
      identities: [clientId, "system"],
      audiences: ["https://vault.azure.net", "api://x"],
      timeoutMs: 1500,
    });
    expect(env).toEqual({
      IDENTITY_PROBE_IDENTITIES: `${clientId},system`,
      IDENTITY_PROBE_AUDIENCES: "https://vault.azure.net,api://x",
      IDENTITY_PROBE_TIMEOUT_MS: "1500",
      OTHER: "kept",
    });
    expect(base.IDENTITY_PROBE_TIMEOUT_MS).toBe("9000");
  });

  it("leaves the settings alone when no flag is given", () => {
    const base = { IDENTITY_PROBE_IDENTITIES: "system", IDENTITY_PROBE_TIMEOUT_MS: "9000" };
    expect(probeEnvironment(base, { identities: [], audiences: [], timeoutMs: undefined })).toEqual(base);
  });

  it("gives loadConfig what the flags say", () => {
    const config = loadConfig(
      probeEnvironment({ IDENTITY_PROBE_IDENTITIES: "not-a-guid" }, { identities: [clientId], audiences: [], timeoutMs: 2500 }),
    );
    expect(config.problems).toEqual([]);
    expect(config.timeoutMs).toBe(2500);
    expect(config.identities.map((identity) => identity.clientId)).toEqual([undefined, clientId]);
  });
});

describe("describeProbe", () => {
  it("counts identities, audiences and configured resources", () => {
    expect(describeProbe(loadConfig({}, "0.0.0", resourceDefinitions), resourceDefinitions)).toBe(
      "probing 1 identity × 4 audiences and 0 resources…",
    );
    const config = loadConfig(
      {
        IDENTITY_PROBE_IDENTITIES: clientId,
        IDENTITY_PROBE_AUDIENCES: "https://vault.azure.net,https://storage.azure.com",
        AZURE_STORAGE_BLOB_ENDPOINT: "https://acct.blob.core.windows.net",
      },
      "0.0.0",
      resourceDefinitions,
    );
    expect(describeProbe(config, resourceDefinitions)).toBe("probing 2 identities × 5 audiences and 1 resource…");
  });
});
