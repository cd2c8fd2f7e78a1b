// The local identity endpoint enforcing IMDS's limits, over the wire: what a client that asks too much gets
// (IMDS's own 429, from the imds-throttled row), and its control route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { identitySignatures } from "../../src/probes/failureSignatures.js";
import { startTestIdentityEndpoint } from "../fixtures/localServices.js";

const throttled = identitySignatures.find((row) => row.id === "imds-throttled")?.sample;

describe("the local identity endpoint with IMDS's limits", () => {
  let endpoint: IdentityEndpoint;
  const imds = (resource: string): Promise<Response> =>
    fetch(`${endpoint.url}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}`, {
      headers: { metadata: "true" },
    });
  const control = (body: string): Promise<Response> =>
    fetch(`${endpoint.url}/__control/imds-limits`, { method: "PUT", headers: { "content-type": "application/json" }, body });

  beforeAll(async () => {
    endpoint = await startTestIdentityEndpoint();
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  it("is off unless asked for", async () => {
    const answers = await Promise.all(Array.from({ length: 25 }, (_, index) => imds(`https://a${index}.example.com`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 25 }, () => 200));
  });

  it("answers IMDS's 429 in IMDS's words beyond 20 requests in a second", async () => {
    expect((await control('{"enabled":true}')).status).toBe(200);
    endpoint.setFault(undefined);
    const answers: Response[] = [];
    // Five at a time, so that only the rate (not the 5 at once) decides; a few milliseconds each, well within a second.
    for (let batch = 0; batch < 4; batch += 1)
      answers.push(...(await Promise.all(Array.from({ length: 5 }, (_, index) => imds(`https://b${batch}-${index}.example.com`)))));
    answers.push(...(await Promise.all([imds("https://b-20.example.com"), imds("https://b-21.example.com")])));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.slice(0, 20)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(statuses.slice(20)).toEqual([429, 429]);
    const refused = answers[20];
    expect(throttled?.kind).toBe("http");
    if (throttled?.kind !== "http" || !refused) return;
    expect(await refused.text()).toBe(throttled.body);
    expect(refused.headers.get("content-type")).toBe(throttled.headers["content-type"]);
  });

  it("answers 429 beyond 5 requests at once, and counts the most it saw in flight", async () => {
    await control('{"enabled":false}');
    await control('{"enabled":true}');
    endpoint.resetRequests();
    endpoint.setFault({ mode: "delay", delayMs: 300 });
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, index) => imds(`https://c${index}.example.com`)));
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses.filter((status) => status === 200)).toHaveLength(5);
      expect(statuses.filter((status) => status === 429)).toHaveLength(3);
      expect(endpoint.peakInFlight).toBeGreaterThanOrEqual(6);
    } finally {
      endpoint.setFault(undefined);
    }
  });

  it("leaves the App Service protocol alone (no 429 is known for it)", async () => {
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        fetch(`${endpoint.appServiceEndpoint}?api-version=2019-08-01&resource=https://d${index}.example.com`, {
          headers: { "x-identity-header": endpoint.identityHeader },
        }),
      ),
    );
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200]));
  });

  it.each(["", "{", '{"enabled":"yes"}', "[]", '{"enabled":true,"x":' + "1".repeat(2_000) + "}"])(
    "refuses the control body %j with 400",
    async (body) => {
      const answer = await control(body);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ error: expect.stringContaining("enabled") });
    },
  );

  it("takes only PUT on the control route", async () => {
    expect((await fetch(`${endpoint.url}/__control/imds-limits`)).status).toBe(405);
  });
});
