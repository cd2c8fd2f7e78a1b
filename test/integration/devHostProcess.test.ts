// The dev host as `npm run host` runs it — node dist/local/devHost/main.js in its own process — over the
// fixture app: scheduled timers, graceful shutdown with appTerminate hooks, and the start failures a
// developer meets (port taken, duplicate function, unset schedule setting), each a message and exit 1.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  devHostMainPath,
  duplicateFixtureAppRoot,
  ensureBuilt,
  fixtureAppRoot,
  projectRoot,
  runProcess,
  startChildDevHost,
  testFunctionKey,
} from "../fixtures/devHost.js";

function fixtureEnvironment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FIXTURE_PRINT_OBSERVATIONS: "1", LOCAL_FUNCTION_KEY: testFunctionKey };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

describe("the dev host process (npm run host)", () => {
  let occupied: Server | undefined;

  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);
  afterAll(async () => {
    await new Promise((resolve) => (occupied ? occupied.close(resolve) : resolve(undefined)));
  });

  it("serves the app, fires its scheduled timer, and on SIGTERM runs appTerminate hooks and exits 0", async () => {
    const host = await startChildDevHost({ appRoot: fixtureAppRoot, env: fixtureEnvironment({ FIXTURE_TICK_SCHEDULE: "*/1 * * * * *" }) });
    try {
      expect(host.output()).toContain(`Function key (x-functions-key header or ?code=): ${testFunctionKey}`);
      expect(host.output()).toContain(`hello: [GET] ${host.url}/api/hello/{name}`);
      expect(host.output()).toContain(`files: [GET,PUT] ${host.url}/api/files/{*rest}  (function key)`);
      expect(host.output()).toContain(`tick: timerTrigger "*/1 * * * * *"`);
      expect((await call(`${host.url}/api/hello/process`)).json()).toMatchObject({ params: { name: "process" } });
      const deadline = Date.now() + 15_000;
      while (!host.output().includes("fixture: timer tick") && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(host.output()).toMatch(
        /fixture: timer tick \{"schedule":\{"adjustForDST":true\},"scheduleStatus":\{"last":"[^"]+","next":"[^"]+","lastUpdated":"[^"]+"\},"isPastDue":(true|false)\}/,
      );
    } finally {
      const result = await host.stop("SIGTERM");
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('fixture: appTerminate {"sawAppStartData":true}');
    }
  });

  it("says which port is taken and exits 1 when PORT is in use", async () => {
    occupied = createServer();
    const port = await new Promise<number>((resolve) =>
      occupied!.listen(0, "127.0.0.1", () => resolve((occupied!.address() as { port: number }).port)),
    );
    const result = await runProcess(process.execPath, [devHostMainPath, "--app-root", fixtureAppRoot], {
      cwd: projectRoot,
      env: fixtureEnvironment({ PORT: String(port), FIXTURE_TICK_SCHEDULE: "0 0 0 1 1 *" }),
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(`port ${port} is in use (another \`npm start\`?) — set PORT to use another`);
    expect(result.stdout).not.toContain("fixture: appStart");
  });

  it("refuses to start an app that registers a function name twice", async () => {
    const result = await runProcess(process.execPath, [devHostMainPath, "--app-root", duplicateFixtureAppRoot, "--port", "0"], {
      cwd: projectRoot,
      env: fixtureEnvironment(),
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'Worker was unable to load entry point "index.js": A function with id "twice" has already been registered.',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("refuses to start, naming the setting, when a timer's %SETTING% schedule is not set", async () => {
    const result = await runProcess(process.execPath, [devHostMainPath, "--app-root", fixtureAppRoot, "--port", "0"], {
      cwd: projectRoot,
      env: fixtureEnvironment({ FIXTURE_TICK_SCHEDULE: undefined }),
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('The timer function "tick" refers to the app setting "%FIXTURE_TICK_SCHEDULE%", which is not set.');
  });

  it("leaves nothing running after close(): a process that only started and closed a dev host ends by itself", async () => {
    const startDevHostUrl = new URL("../../dist/local/devHost/startDevHost.js", import.meta.url).href;
    const script = [
      `const { startDevHost } = await import(${JSON.stringify(startDevHostUrl)});`,
      `const host = await startDevHost({ appRoot: ${JSON.stringify(fixtureAppRoot)}, port: 0, functionKey: ${JSON.stringify(testFunctionKey)}, log: () => {} });`,
      "const response = await fetch(host.url + '/api/hello/x');",
      "await response.text();",
      "await host.close();",
      "console.log('closed ' + response.status);",
    ].join("\n");
    // No process.exit anywhere: an open server, socket or timer would keep the process alive past the timeout.
    const result = await runProcess(process.execPath, ["--input-type=module", "-e", script], {
      cwd: projectRoot,
      env: fixtureEnvironment({ FIXTURE_TICK_SCHEDULE: "*/1 * * * * *", FIXTURE_PRINT_OBSERVATIONS: undefined }),
      timeoutMs: 20_000,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("closed 200");
    expect(result.exitCode).toBe(0);
  });
});
