// Its own process: counts token requests from a cold MSAL cache.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localUserIdentity } from "../../local/identity/localIdentities.js";
import { healthIdentity } from "../../src/functions/healthIdentity.js";
import { invokeHttp } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

describe("concurrent health requests", () => {
  let spine: SpineApp;
  beforeAll(async () => {
    spine = await startSpineApp({ IDENTITY_PROBE_IDENTITIES: localUserIdentity.clientId, IDENTITY_PROBE_TIMEOUT_MS: "20000" });
    // Slow tokens keep every request in flight at once: the worst case for the identity endpoint.
    spine.identityEndpoint.setFault({ mode: "delay", delayMs: 300 });
  });
  afterAll(async () => {
    await spine?.close();
  });

  it("cause at most one token request per identity and audience", async () => {
    const responses = await Promise.all(Array.from({ length: 1000 }, () => invokeHttp(healthIdentity)));
    expect(new Set(responses.map((response) => response.status))).toEqual(new Set([200]));
    const perKey = new Map<string, number>();
    for (const request of spine.identityEndpoint.requests) {
      const key = `${request.identity}|${request.resource}`;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    // 2 identities × 4 audiences.
    expect(perKey.size).toBe(8);
    expect(Math.max(...perKey.values())).toBe(1);
  });
});
