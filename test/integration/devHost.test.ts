// The dev host over HTTP with the fixture app (test/fixtures/devHostApp): registrations, keys, routing,
// errors, limits, hooks, logs and timers, as a client and a developer see them. The fixture runs in this
// process through startDevHost, the same code `npm run host` runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredFunctionInfo } from "../../local/devHost/startDevHost.js";
import { call, startFixtureDevHost, testFunctionKey, type InProcessDevHost } from "../fixtures/devHost.js";

interface Echo {
  functionName: string;
  invocationId: string;
  method: string;
  url: string;
  params: Record<string, string>;
  query: Record<string, string>;
  header: string | null;
  traceParent: string | null;
}

interface Observed {
  hooks: { kind: string; functionName?: string; invocationId?: string; sawPreData?: boolean; hasError?: boolean }[];
  timerRuns: {
    name: string;
    invocationId: string;
    timer: { isPastDue: boolean; schedule: { adjustForDST: boolean }; scheduleStatus: Record<string, string> };
  }[];
  registrationErrors: string[];
}

const withKey = { "x-functions-key": testFunctionKey };

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the dev host serving the fixture app", () => {
  let host: InProcessDevHost;
  const api = (path: string): string => `${host.url}/api/${path}`;
  const observed = async (): Promise<Observed> => (await call(api("observed"))).json<Observed>();

  beforeAll(async () => {
    // Once a year: the timer runs here only when the admin API asks.
    host = await startFixtureDevHost({ FIXTURE_TICK_SCHEDULE: "0 0 0 1 1 *" });
  });
  afterAll(async () => {
    await host?.close();
  });

  it("lists what the app registered: routes, methods, auth levels and the timer's schedule", async () => {
    const response = await call(`${host.url}/admin/functions`, { headers: withKey });
    expect(response.status).toBe(200);
    const listed = response.json<RegisteredFunctionInfo[]>();
    const byName = new Map(listed.map((info) => [info.name, info]));
    expect([...byName.keys()].sort()).toEqual(
      [
        "adminOnly",
        "boom",
        "cookies",
        "defaultRoute",
        "fileIndex",
        "files",
        "hello",
        "itemById",
        "itemBySlug",
        "lateRegistration",
        "logs",
        "noContent",
        "observed",
        "startupTick",
        "things",
        "tick",
        "upload",
      ].sort(),
    );
    expect(byName.get("hello")?.http).toEqual({
      route: "hello/{name}",
      methods: ["GET"],
      authLevel: "anonymous",
      url: `${host.url}/api/hello/{name}`,
    });
    expect(byName.get("files")?.http).toMatchObject({ route: "files/{*rest}", methods: ["GET", "PUT"], authLevel: "function" });
    expect(byName.get("adminOnly")?.http).toMatchObject({ route: "secret/admin", authLevel: "admin" });
    expect(byName.get("defaultRoute")?.http).toMatchObject({ route: "defaultRoute", methods: ["GET"] });
    expect(byName.get("upload")?.http).toMatchObject({ methods: ["POST"], authLevel: "anonymous" });
    expect(byName.get("tick")).toMatchObject({
      triggerType: "timerTrigger",
      timer: { schedule: "%FIXTURE_TICK_SCHEDULE%", resolvedSchedule: "0 0 0 1 1 *", runOnStartup: false },
    });
    expect(new Date(byName.get("tick")?.timer?.nextRun ?? "").getMonth()).toBe(0);
    expect(byName.get("startupTick")?.timer).toMatchObject({ runOnStartup: true });
    expect(host.functions.map((info) => info.name).sort()).toEqual([...byName.keys()].sort());
  });

  it.each([
    { case: "a function route without a key", path: "files/a", headers: {}, status: 401 },
    { case: "a function route with a wrong key", path: "files/a", headers: { "x-functions-key": "not-the-key-0123456789" }, status: 401 },
    { case: "a function route with the key in the header", path: "files/a", headers: withKey, status: 200 },
    {
      case: "a function route with the key as ?code=",
      path: `files/a?code=${encodeURIComponent(testFunctionKey)}`,
      headers: {},
      status: 200,
    },
    { case: "an admin route without a key", path: "secret/admin", headers: {}, status: 401 },
    { case: "an admin route with the key", path: "secret/admin", headers: withKey, status: 200 },
    { case: "an anonymous route without a key", path: "hello/x", headers: {}, status: 200 },
  ] as { case: string; path: string; headers: Record<string, string>; status: number }[])(
    "answers $status for $case",
    async ({ path, headers, status }) => {
      const response = await call(api(path), { headers });
      expect(response.status).toBe(status);
      if (status === 401) {
        expect(response.headers.get("content-type")).toBe("application/problem+json");
        expect(response.json()).toMatchObject({ status: 401, title: "Unauthorized" });
        expect(response.text).not.toContain(testFunctionKey);
      }
    },
  );

  it("refuses the admin API without the key", async () => {
    expect((await call(`${host.url}/admin/functions`)).status).toBe(401);
    expect((await call(`${host.url}/admin/functions/tick`, { method: "POST", body: "{}" })).status).toBe(401);
  });

  it.each([
    { path: "hello/Ada", functionName: "hello", params: { name: "Ada" } },
    { path: "HELLO/a%20b", functionName: "hello", params: { name: "a b" } },
    { path: "files/a/b/c.txt", functionName: "files", params: { rest: "a/b/c.txt" } },
    { path: "files/dir%20one/%C3%A9t%C3%A9.txt", functionName: "files", params: { rest: "dir one/été.txt" } },
    { path: "files/a%2Fb", functionName: "files", params: { rest: "a%2Fb" } },
    { path: "files/x/", functionName: "files", params: { rest: "x" } },
    { path: "files", functionName: "fileIndex", params: {} },
    { path: "items/42", functionName: "itemById", params: { id: "42" } },
    { path: "items/abc", functionName: "itemBySlug", params: { slug: "abc" } },
    { path: "things", functionName: "things", params: {} },
    { path: "things/7", functionName: "things", params: { id: "7" } },
    { path: "defaultroute", functionName: "defaultRoute", params: {} },
  ])("routes /api/$path to $functionName with its route parameters", async ({ path, functionName, params }) => {
    const response = await call(api(path), { headers: withKey });
    expect(response.status).toBe(200);
    const echo = response.json<Echo>();
    expect(echo.functionName).toBe(functionName);
    expect(echo.params).toEqual(params);
    expect(echo.url).toBe(api(path));
  });

  it("gives the function the request as the library's HttpRequest: method, URL, query and headers", async () => {
    const response = await call(api("hello/q?a=1&a=2&b=x%20y"), { headers: { "x-fixture": "here" } });
    const echo = response.json<Echo>();
    expect(echo).toMatchObject({ method: "GET", url: api("hello/q?a=1&a=2&b=x%20y"), header: "here" });
    // The host hands query values over as ASP.NET's collection: repeated keys joined with ",".
    expect(echo.query).toEqual({ a: "1,2", b: "x y" });
  });

  it("continues the caller's W3C trace in the invocation's trace context", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const echo = (await call(api("hello/t"), { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } })).json<Echo>();
    expect(echo.traceParent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(echo.traceParent).not.toContain("00f067aa0ba902b7");
  });

  it.each(["nope", "items/12a", "hello/a/b", "hello", "../other/hello/x"])("answers 404 problem+json for /api/%s", async (path) => {
    const response = await call(api(path), { headers: withKey });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.json()).toMatchObject({ status: 404, title: "Not Found" });
  });

  it.each([
    { method: "GET", path: "upload", allow: "POST" },
    { method: "POST", path: "hello/x", allow: "GET" },
    { method: "PATCH", path: "things/1", allow: "GET, DELETE" },
  ])("answers 405 with Allow: $allow for $method /api/$path", async ({ method, path, allow }) => {
    const response = await call(api(path), { method, headers: withKey });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(response.json()).toMatchObject({ status: 405, title: "Method Not Allowed" });
  });

  it("answers 400 for a path that is not valid percent-encoded UTF-8", async () => {
    const response = await call(api("hello/%E0%A4%A"));
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ status: 400 });
  });

  it("answers 500 without the error or its stack when the handler throws, and logs them", async () => {
    const response = await call(api("boom"));
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.text).not.toContain("secret place");
    expect(response.text).not.toMatch(/\bat \S+ \(/);
    const logged = host.logLines.find((line) => line.includes("[Error] boom (") && line.includes("fixture failure at a secret place"));
    expect(logged).toMatch(/index\.js:\d+/);
    const hooks = (await observed()).hooks.filter((hook) => hook.functionName === "boom");
    expect(hooks.find((hook) => hook.kind === "postInvocation")?.hasError).toBe(true);
  });

  it("answers 204 when the function returns nothing, and passes headers and cookies through", async () => {
    const empty = await call(api("nothing"));
    expect(empty.status).toBe(204);
    expect(empty.text).toBe("");
    const withCookie = await call(api("cookies"));
    expect(withCookie.status).toBe(200);
    expect(withCookie.text).toBe("cookie set");
    expect(withCookie.headers.get("x-fixture-response")).toBe("yes");
    expect(withCookie.headers.get("set-cookie")).toBe("session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict");
  });

  it("refuses a body over the host's 10 MiB limit with 413 and passes smaller ones to the function", async () => {
    const small = await call(api("upload"), {
      method: "POST",
      body: Buffer.alloc(1024 * 1024, 1),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(small.status).toBe(201);
    expect(small.json()).toEqual({ size: 1024 * 1024, contentType: "application/octet-stream" });
    const large = await call(api("upload"), { method: "POST", body: Buffer.alloc(10 * 1024 * 1024 + 1, 1) });
    expect(large.status).toBe(413);
    expect(large.json()).toMatchObject({ status: 413, title: "Payload Too Large" });
  });

  it("runs appStart once, and preInvocation/postInvocation around each invocation with shared hook data", async () => {
    const echo = (await call(api("hello/hooks"))).json<Echo>();
    const { hooks } = await observed();
    expect(hooks[0]?.kind).toBe("appStart");
    expect(hooks.filter((hook) => hook.kind === "appStart")).toHaveLength(1);
    expect(hooks.find((hook) => hook.kind === "preInvocation" && hook.invocationId === echo.invocationId)).toBeDefined();
    const post = hooks.filter((hook) => hook.kind === "postInvocation" && hook.functionName === "hello");
    expect(post.length).toBeGreaterThan(0);
    expect(post.every((hook) => hook.sawPreData === true && hook.hasError === false)).toBe(true);
  });

  it("prints each context.log/info/warn/error as one line with time, level, function and invocation ID, never a request header", async () => {
    const sentinel = "sentinel-header-value-7f3a9c";
    const response = await call(api("logs"), { headers: { "x-sentinel": sentinel, authorization: `Bearer ${sentinel}`, ...withKey } });
    expect(response.status).toBe(200);
    const invocationLine = host.logLines.find((line) => line.includes("fixture log line"));
    const invocationId = /\(([0-9a-f-]{36})\)/.exec(invocationLine ?? "")?.[1];
    expect(invocationId).toBeDefined();
    const lines = host.logLines.filter((line) => line.includes(`logs (${invocationId})`));
    const prefix = new RegExp(
      `^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z \\[(Information|Warning|Error)\\] logs \\(${invocationId}\\): `,
    );
    for (const line of lines) expect(line).toMatch(prefix);
    expect(lines.some((line) => line.includes("[Information]") && line.endsWith("fixture info line"))).toBe(true);
    expect(lines.some((line) => line.includes("[Warning]") && line.endsWith("fixture warn line"))).toBe(true);
    expect(lines.some((line) => line.includes("[Error]") && line.endsWith("fixture error line with ⏎ newline"))).toBe(true);
    for (const line of host.logLines) {
      expect(line).not.toContain(sentinel);
      expect(line).not.toContain(testFunctionKey);
      expect(line).not.toContain("\n");
    }
  });

  it("runs the %SETTING% timer when POST /admin/functions/{name} asks, with the library's Timer object", async () => {
    expect((await observed()).timerRuns.filter((run) => run.name === "tick")).toHaveLength(0);
    const response = await call(`${host.url}/admin/functions/tick`, {
      method: "POST",
      headers: { ...withKey, "content-type": "application/json" },
      body: '{ "input": "" }',
    });
    expect(response.status).toBe(202);
    const run = await waitFor(
      async () => (await observed()).timerRuns.find((candidate) => candidate.name === "tick"),
      "the tick timer to run",
    );
    expect(run.timer).toMatchObject({ isPastDue: false, schedule: { adjustForDST: true } });
    expect(Date.parse(run.timer.scheduleStatus.next ?? "")).toBeGreaterThan(Date.now());
    expect(run.timer.scheduleStatus).toHaveProperty("last");
    expect(run.timer.scheduleStatus).toHaveProperty("lastUpdated");
    expect(host.logLines.some((line) => line.includes(`tick (${run.invocationId}): tick ran`))).toBe(true);
  });

  it("runs a runOnStartup timer once when the host starts", async () => {
    const runs = await waitFor(async () => {
      const found = (await observed()).timerRuns.filter((run) => run.name === "startupTick");
      return found.length > 0 ? found : undefined;
    }, "the runOnStartup timer");
    expect(runs).toHaveLength(1);
    expect(runs[0]?.timer.isPastDue).toBe(false);
  });

  it.each([
    { case: "an unknown function", path: "nope", body: "{}", status: 404 },
    { case: "an HTTP function", path: "hello", body: "{}", status: 400 },
    { case: "a body that is not JSON", path: "tick", body: "not json", status: 400 },
    { case: "an input that is not a string", path: "tick", body: '{ "input": 5 }', status: 400 },
  ])("answers $status when the admin API is asked to run $case", async ({ path, body, status }) => {
    const response = await call(`${host.url}/admin/functions/${path}`, { method: "POST", headers: withKey, body });
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("describes one function and the host's status through the admin API", async () => {
    const tick = await call(`${host.url}/admin/functions/TICK`, { headers: withKey });
    expect(tick.json()).toMatchObject({ name: "tick", triggerType: "timerTrigger" });
    const status = await call(`${host.url}/admin/host/status`, { headers: withKey });
    expect(status.json()).toMatchObject({ state: "Running" });
  });

  it("refuses to register a function after startup, as the worker does", async () => {
    const response = await call(api("late-registration"), { method: "POST" });
    expect(response.status).toBe(409);
    expect(response.json()).toEqual({ registered: false, message: "A function can only be registered during app startup." });
    expect((await call(api("too-late"))).status).toBe(404);
  });

  it("refused a second registration of a name, also with different case", async () => {
    const { registrationErrors } = await observed();
    expect(registrationErrors).toEqual([
      'A function with id "hello" has already been registered.',
      'A function named "hello" has already been registered; function names are case-insensitive, so "HELLO" is a duplicate.',
    ]);
    const listed = (await call(`${host.url}/admin/functions`, { headers: withKey })).json<RegisteredFunctionInfo[]>();
    expect(listed.filter((info) => info.name.toLowerCase() === "hello")).toHaveLength(1);
  });
});
