import { describe, expect, it } from "vitest";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { createHttpHeaders, createPipelineRequest, type HttpClient, type PipelineResponse } from "@azure/core-rest-pipeline";
import { createIdentityEndpointGate, imdsLimits as imds } from "../../src/identity/identityEndpointGate.js";
import { RememberedFailure } from "../../src/identity/rememberedFailure.js";
import { createProbedCredential, gatedHttpClient } from "../../src/identity/sharedCredential.js";

const scope = "https://vault.azure.net/.default";
const token: AccessToken = { token: "opaque-token", expiresOnTimestamp: Date.now() + 3_600_000, tokenType: "Bearer" };

/** A credential that sends one request through `client` per getToken and fails on any status but 200. */
function credentialOver(client: HttpClient): TokenCredential & { readonly calls: number } {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async getToken(_scopes: string | string[], _options?: GetTokenOptions) {
      calls += 1;
      const response = await client.sendRequest(
        createPipelineRequest({ url: "http://127.0.0.1:9/msi/token", allowInsecureConnection: true }),
      );
      if (response.status !== 200) throw Object.assign(new Error(`answered ${response.status}`), { name: "CredentialUnavailableError" });
      return token;
    },
  };
}

function answering(status: number, headers: Record<string, string> = {}): HttpClient & { sent: number } {
  const client = {
    sent: 0,
    async sendRequest(request: Parameters<HttpClient["sendRequest"]>[0]): Promise<PipelineResponse> {
      client.sent += 1;
      return { request, status, headers: createHttpHeaders(headers) };
    },
  };
  return client;
}

describe("the probed credential's politeness", () => {
  it("answers a failed request from memory until the memory runs out, then asks again", async () => {
    let now = 1_000_000;
    const gate = createIdentityEndpointGate({ maxInFlight: 5, maxPerSecond: 20 });
    const client = answering(500);
    const inner = credentialOver(gatedHttpClient(gate, 5_000, client));
    const credential = createProbedCredential(inner, { gate, failureMemoryMs: 30_000, clock: () => now });

    const first = await credential.getToken(scope).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(RememberedFailure);
    expect(first).toMatchObject({ isRecalled: false, observedAt: 1_000_000, retryAt: 1_030_000, isRetryAfter: false });
    now += 10_000;
    const second = await credential.getToken(scope).catch((error: unknown) => error);
    expect(second).toMatchObject({ isRecalled: true, observedAt: 1_000_000 });
    expect((second as RememberedFailure).message).toBe("answered 500");
    expect(client.sent).toBe(1);
    now += 20_000;
    await credential.getToken(scope).catch(() => undefined);
    expect(client.sent).toBe(2);
  });

  it("waits as long as the endpoint's Retry-After asks", async () => {
    let now = 2_000_000;
    const gate = createIdentityEndpointGate({ maxInFlight: 5, maxPerSecond: 20 });
    const client = answering(429, { "retry-after": "90" });
    const credential = createProbedCredential(credentialOver(gatedHttpClient(gate, 5_000, client)), {
      gate,
      failureMemoryMs: 30_000,
      clock: () => now,
    });
    const failure = await credential.getToken(scope).catch((error: unknown) => error);
    expect(failure).toMatchObject({ retryAt: 2_090_000, isRetryAfter: true });
    now += 60_000;
    await expect(credential.getToken(scope)).rejects.toMatchObject({ isRecalled: true });
    expect(client.sent).toBe(1);
  });

  it("forgets a failure once a token comes back", async () => {
    let status = 503;
    let now = 0;
    const client = {
      sent: 0,
      async sendRequest(request: Parameters<HttpClient["sendRequest"]>[0]): Promise<PipelineResponse> {
        client.sent += 1;
        return { request, status, headers: createHttpHeaders() };
      },
    };
    const gate = createIdentityEndpointGate({ maxInFlight: 5, maxPerSecond: 20 });
    const credential = createProbedCredential(credentialOver(gatedHttpClient(gate, 5_000, client)), {
      gate,
      failureMemoryMs: 1_000,
      clock: () => now,
    });
    await expect(credential.getToken(scope)).rejects.toBeInstanceOf(RememberedFailure);
    status = 200;
    now += 1_000;
    await expect(credential.getToken(scope)).resolves.toMatchObject({ token: "opaque-token" });
    expect(client.sent).toBe(2);
  });

  it("gives a good token again without asking until it is due for renewal, then asks", async () => {
    let now = Date.now();
    const client = answering(200);
    const credential = createProbedCredential(credentialOver(gatedHttpClient(createIdentityEndpointGate(imds), 5_000, client)), {
      clock: () => now,
    });
    const first = await credential.getToken(scope);
    expect(await credential.getToken(scope)).toBe(first);
    expect(client.sent).toBe(1);
    // Within 5 minutes of its expiry (no refresh time given): the credential is asked again.
    now = token.expiresOnTimestamp - 4 * 60_000;
    await credential.getToken(scope);
    expect(client.sent).toBe(2);
  });

  it("does not remember a request its callers gave up on: the next caller asks afresh", async () => {
    let answers = 0;
    const inner: TokenCredential = {
      getToken: () => (answers++ === 0 ? new Promise<AccessToken>(() => undefined) : Promise.resolve(token)),
    };
    const credential = createProbedCredential(inner, { failureMemoryMs: 30_000 });
    await expect(credential.getToken(scope, { abortSignal: AbortSignal.timeout(20) })).rejects.toMatchObject({ name: "TimeoutError" });
    await expect(credential.getToken(scope)).resolves.toBe(token);
  });

  it("says when its request is waiting for the identity endpoint's limits, and when it is out", async () => {
    const gate = createIdentityEndpointGate({ maxInFlight: 1, maxPerSecond: 20 });
    const release: (() => void)[] = [];
    const client = {
      async sendRequest(request: Parameters<HttpClient["sendRequest"]>[0]): Promise<PipelineResponse> {
        await new Promise<void>((resolve) => release.push(resolve));
        return { request, status: 200, headers: createHttpHeaders() };
      },
    };
    const http = gatedHttpClient(gate, 5_000, client);
    const first = createProbedCredential(credentialOver(http), { gate });
    const second = createProbedCredential(credentialOver(http), { gate });
    const runs = [first.getToken(scope), second.getToken(scope)];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(first.requestState(scope)).toBe("sent");
    expect(second.requestState(scope)).toBe("waiting");
    release.shift()?.();
    await runs[0];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(first.requestState(scope)).toBeUndefined();
    expect(second.requestState(scope)).toBe("sent");
    release.shift()?.();
    await runs[1];
  });
});
