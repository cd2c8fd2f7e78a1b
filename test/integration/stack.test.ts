// `npm start` end to end: the built stack (dist/local/stack.js) with its state in a temp folder and every
// service on a free port — the app answers through the local identity endpoint, Azurite and the
// emulators; a second start is refused naming the port; Ctrl-C (SIGINT) stops every process; and if the
// stack itself is killed, nothing it started outlives it.
import { request } from "node:https";
import { readFileSync, existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  ensureBuilt,
  isProcessRunning,
  runProcess,
  stackMainPath,
  projectRoot,
  startStackProcess,
  testFunctionKey,
  waitUntil,
  type StackProcess,
} from "../fixtures/devHost.js";
import { makeTempDir, type TempDir } from "../fixtures/localServices.js";

/** An HTTPS GET that trusts only the given CA file: the way a developer's client trusts .local/ca.pem. */
function getWithCa(url: string, caPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { ca: readFileSync(caPath), timeout: 10_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.once("error", reject);
    outgoing.end();
  });
}

describe("the local stack (npm start)", () => {
  const dirs: TempDir[] = [];
  const stacks: StackProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);
  afterAll(async () => {
    for (const stack of stacks) if (stack.child.exitCode === null) stack.child.kill("SIGKILL");
    await Promise.all(dirs.map((dir) => dir.close()));
  });

  it("serves the app against the local services, refuses a second start, and stops every process on Ctrl-C", async () => {
    const dir = await makeTempDir("stack");
    dirs.push(dir);
    const stack = await startStackProcess({ stateDir: dir.path });
    stacks.push(stack);
    const { summary } = stack;

    // stack.json: every URL, the CA, and no identity-endpoint secret.
    expect(summary.app).toMatchObject({ host: "dev-host", routePrefix: "api", functionKey: testFunctionKey });
    expect(summary.azurite.blobEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(summary.identityEndpoint.controlUrls?.fault).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__control\/fault$/);
    expect(summary.webPubSub?.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(summary.quantum?.workspaceId).toMatch(/\/providers\/Microsoft\.Quantum\/Workspaces\//);
    expect(summary.caPath).toBe(`${dir.path}/ca.pem`);
    const stackFile = readFileSync(`${dir.path}/stack.json`, "utf8");
    expect(stackFile).not.toMatch(/IDENTITY_HEADER|identityHeader/i);
    expect(stack.output()).not.toMatch(/IDENTITY_HEADER/);
    expect(stack.output()).toContain(`healthIdentity: [GET] ${summary.app.url}/api/health/identity`);
    expect(stack.output()).toContain(`curl --cacert ${dir.path}/ca.pem`);

    // The app, through the real SDKs, against the stack's identity endpoint, Azurite and emulators.
    const health = await call(`${summary.app.url}/api/health/identity`);
    expect(health.status).toBe(200);
    const report = health.json<{ status: string; checks: Record<string, { status: string }[]> }>();
    expect(report.status).toBe("pass");
    for (const check of ["storage:access", "webpubsub:access", "quantum:token"]) {
      expect(report.checks[check]?.map((entry) => entry.status)).toEqual(["pass", "pass"]);
    }
    const requests = await call(summary.identityEndpoint.controlUrls!.requests);
    expect(requests.json<{ count: number }>().count).toBeGreaterThan(0);
    // Any client trusts the stack's services through the CA file alone.
    expect(await getWithCa(`${summary.azurite.blobEndpoint}?comp=list`, summary.caPath)).toBeGreaterThanOrEqual(400);

    // A second `npm start` on the same port says which port is taken.
    const port = new URL(summary.app.url).port;
    const other = await makeTempDir("stack-second");
    dirs.push(other);
    const second = await runProcess(process.execPath, [stackMainPath], {
      cwd: projectRoot,
      env: { ...process.env, IDENTITY_PROBE_STATE_DIR: other.path, PORT: port },
      timeoutMs: 30_000,
    });
    expect(second.exitCode).toBe(1);
    expect(second.stderr.trim()).toBe(`port ${port} is in use (another \`npm start\`?) — set PORT to use another`);

    // Ctrl-C: everything stops and stack.json goes away.
    stack.child.kill("SIGINT");
    const result = await stack.exited;
    expect(result.exitCode).toBe(0);
    for (const [name, pid] of Object.entries(summary.processes)) {
      await waitUntil(() => !isProcessRunning(pid), `${name} (${pid}) to stop`, 10_000);
    }
    expect(existsSync(`${dir.path}/stack.json`)).toBe(false);
  });

  it("leaves nothing running when the stack process itself is killed", async () => {
    const dir = await makeTempDir("stack-killed");
    dirs.push(dir);
    const stack = await startStackProcess({ stateDir: dir.path });
    stacks.push(stack);
    const { processes } = stack.summary;
    expect(processes.app).toBeGreaterThan(0);
    expect(processes.azurite).toBeGreaterThan(0);
    // SIGKILL runs no shutdown code: the child reaper (Azurite) and the IPC channels (app, supervisor) must do it.
    process.kill(processes.stack!, "SIGKILL");
    for (const [name, pid] of Object.entries(processes)) {
      await waitUntil(() => !isProcessRunning(pid), `${name} (${pid}) to stop`, 15_000);
    }
    const result = await stack.exited;
    expect(result.exitCode).not.toBe(0);
  });
});
