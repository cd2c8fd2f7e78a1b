// Issue 12's must-show, through `npm start`'s stack: remove the storage data role of the app's identity at
// run time with `npm run roles`, keep its Reader; details turns storage:access `forbidden` with the verdict
// control-plane-only, naming Reader and the data action it lacks. Put the role back, let the stack's
// propagation delay pass, and details passes again. Every emulator reads the one role table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localResourceGroupScope } from "../../local/rbac/localResources.js";
import type { CheckEntry, HealthReport } from "../../src/shared/healthReport.js";
import {
  call,
  ensureBuilt,
  projectRoot,
  runProcess,
  startStackProcess,
  testFunctionKey,
  waitUntil,
  type StackProcess,
} from "../fixtures/devHost.js";
import { makeTempDir, type TempDir } from "../fixtures/localServices.js";

const propagationSeconds = 4;
const listBlobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";

describe("breaking and fixing a role on the running stack", () => {
  let dir: TempDir;
  let stack: StackProcess;

  beforeAll(async () => {
    await ensureBuilt();
    dir = await makeTempDir("stack-roles");
    stack = await startStackProcess({ stateDir: dir.path, env: { LOCAL_RBAC_PROPAGATION_S: String(propagationSeconds) } });
  }, 180_000);
  afterAll(async () => {
    if (stack && stack.child.exitCode === null) {
      stack.child.kill("SIGINT");
      await stack.exited;
    }
    await dir?.close();
  });

  const roles = (...args: string[]) =>
    runProcess(process.execPath, ["dist/local/roles.js", ...args], {
      cwd: projectRoot,
      env: { ...process.env, IDENTITY_PROBE_STATE_DIR: dir.path },
      timeoutMs: 60_000,
    });
  const storageAccess = async (): Promise<CheckEntry | undefined> => {
    const response = await call(`${stack.summary.app.url}/api/health/identity/details`, { headers: { "x-functions-key": testFunctionKey } });
    return response.json<HealthReport>().checks["storage:access"]?.find((entry) => entry.identity === "system");
  };

  it("prints how to break and fix a role, and serves the role table through Resource Manager", async () => {
    expect(stack.summary.rbac).toMatchObject({ isEmulated: true, propagationSeconds });
    expect(stack.output()).toContain("npm run roles -- remove --identity system");
    const listed = await roles("list", "--identity", "system");
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^system\tStorage Blob Data Contributor\t\/subscriptions\/.*\/storageAccounts\/devstoreaccount1\t/m);
    expect(listed.stdout).toMatch(new RegExp(`^system\\tReader\\t${localResourceGroupScope}\\t`, "m"));
  });

  it("turns storage:access forbidden (control-plane-only, naming Reader) when the data role goes, and pass when it is back", async () => {
    expect((await storageAccess())?.status).toBe("pass");

    const removed = await roles("remove", "--identity", "system", "--role", "Storage Blob Data Contributor");
    expect(removed.exitCode, removed.stderr).toBe(0);
    let refused: CheckEntry | undefined;
    await waitUntil(
      async () => {
        refused = await storageAccess();
        return refused?.errorCategory === "forbidden";
      },
      "storage:access to turn forbidden once the removal has propagated",
      60_000,
    );
    expect(refused).toMatchObject({ status: "fail", errorCategory: "forbidden", output: "403 AuthorizationPermissionMismatch" });
    expect(refused?.rbac).toMatchObject({ verdict: "control-plane-only", requiredDataActions: [listBlobs] });
    expect(refused?.rbac?.roles).toContainEqual(expect.objectContaining({ name: "Reader", scope: localResourceGroupScope }));
    expect(refused?.note).toContain("'Reader'");
    expect(refused?.note).toContain(listBlobs);

    const assigned = await roles("assign", "--identity", "system", "--role", "Storage Blob Data Contributor");
    expect(assigned.exitCode, assigned.stderr).toBe(0);
    await waitUntil(async () => (await storageAccess())?.status === "pass", "storage:access to pass once the role has propagated", 60_000);
  });

  it("refuses a role command it cannot carry out, with usage", async () => {
    const wrong = await roles("remove", "--identity", "nobody", "--role", "Reader");
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain("No local identity 'nobody'");
    const absent = await roles("remove", "--identity", "norole", "--role", "Owner");
    expect(absent.exitCode).toBe(2);
    expect(absent.stderr).toContain("holds no 'Owner'");
  });
});
