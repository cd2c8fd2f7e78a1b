// The real app (dist/app/index.cjs, package.json `main`) served by the dev host process, against the local
// identity endpoint and Azurite: what it registers is what the host serves — routes, methods, auth levels,
// the timer's %IDENTITY_PROBE_SCHEDULE% — and its requests reach real services through the library's own
// request/response conversion.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredFunctionInfo } from "../../local/devHost/startDevHost.js";
import { call, startRealAppHost, testFunctionKey, type ChildDevHost } from "../fixtures/devHost.js";

const withKey = { "x-functions-key": testFunctionKey };

describe("the dev host serving the built app", () => {
  let served: Awaited<ReturnType<typeof startRealAppHost>>;
  let host: ChildDevHost;

  beforeAll(async () => {
    served = await startRealAppHost();
    host = served.host;
  }, 180_000);
  afterAll(async () => {
    const result = await served?.stop();
    expect(result?.exitCode).toBe(0);
  });

  it("serves exactly the registrations of the app's entry point", async () => {
    const listed = (await call(`${host.url}/admin/functions`, { headers: withKey })).json<RegisteredFunctionInfo[]>();
    const byName = new Map(listed.map((info) => [info.name, info]));
    expect(byName.get("healthIdentity")?.http).toMatchObject({ route: "health/identity", methods: ["GET"], authLevel: "anonymous" });
    expect(byName.get("healthIdentityDetails")?.http).toMatchObject({
      route: "health/identity/details",
      methods: ["GET"],
      authLevel: "function",
    });
    expect(byName.get("blobItem")?.http).toMatchObject({
      route: "blobs/{*name}",
      methods: ["GET", "PUT", "DELETE"],
      authLevel: "function",
    });
    expect(byName.get("blobList")?.http).toMatchObject({ route: "blobs", methods: ["GET"], authLevel: "function" });
    expect(byName.get("identityProbe")?.timer).toMatchObject({
      schedule: "%IDENTITY_PROBE_SCHEDULE%",
      resolvedSchedule: "0 0 0 1 1 *",
      runOnStartup: false,
    });
    // Every HTTP function of the app is anonymous or needs a key; none is admin-only.
    for (const info of listed) if (info.http) expect(["anonymous", "function"]).toContain(info.http.authLevel);
  });

  it("answers GET /api/health/identity without a key, as health+json", async () => {
    const response = await call(`${host.url}/api/health/identity`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/health+json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.json()).toMatchObject({ status: "pass", serviceId: "local" });
  });

  it("needs the key for the details and serves them with it", async () => {
    expect((await call(`${host.url}/api/health/identity/details`)).status).toBe(401);
    const details = await call(`${host.url}/api/health/identity/details?code=${encodeURIComponent(testFunctionKey)}`);
    expect(details.status).toBe(200);
    expect(details.json()).toHaveProperty("checks");
  });

  it("uploads and downloads a blob whose name has slashes and encoded characters through blobs/{*name}", async () => {
    const url = `${host.url}/api/blobs/dev%20host/n%C3%A4me.txt`;
    const upload = await call(url, { method: "PUT", headers: { ...withKey, "content-type": "text/plain" }, body: "through the dev host" });
    expect(upload.status).toBe(201);
    expect(upload.json()).toMatchObject({ name: "dev host/näme.txt", size: 20 });
    const download = await call(url, { headers: withKey });
    expect(download.status).toBe(200);
    expect(download.text).toBe("through the dev host");
    const listing = await call(`${host.url}/api/blobs?prefix=dev%20host/`, { headers: withKey });
    expect(listing.text).toContain("näme.txt");
  });

  it("runs the identityProbe timer when the admin API asks", async () => {
    const response = await call(`${host.url}/admin/functions/identityProbe`, { method: "POST", headers: withKey, body: '{"input":""}' });
    expect(response.status).toBe(202);
    const deadline = Date.now() + 30_000;
    while (!/Executed 'Functions\.identityProbe' \((Succeeded|Failed)/.test(host.output()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(host.output()).toContain("Executed 'Functions.identityProbe' (Succeeded");
  });
});
