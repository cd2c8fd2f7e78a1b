// The azd preprovision hook (scripts/acceptQuantumTerms.mjs), run as azd runs it, against a stand-in `az` on
// PATH that keeps the marketplace agreements in a file and prints what the Azure CLI prints: the agreement
// (MarketplaceOrdering 2021-01-01 GetMarketplaceTerms example, flattened as az prints models), the quantum
// extension's "No terms require to be accepted for provider '…'." for plans without terms, and az's own
// "Please run 'az login' to setup account." when signed out. Nothing leaves the machine.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, runProcess, type ProcessResult } from "../fixtures/devHost.js";

const hook = join(projectRoot, "scripts/acceptQuantumTerms.mjs");
const subscriptionId = "00000000-0000-0000-0000-0000000000aa";

/** A stand-in for the Azure CLI's `az quantum offerings show-terms|accept-terms`, state in AZ_FAKE_STATE. */
const fakeAz = `#!/usr/bin/env node
const { readFileSync, writeFileSync, appendFileSync } = require("node:fs");
const args = process.argv.slice(2);
appendFileSync(process.env.AZ_FAKE_CALLS, JSON.stringify(args) + "\\n");
const state = JSON.parse(readFileSync(process.env.AZ_FAKE_STATE, "utf8"));
if (state.signedOut) { process.stderr.write("ERROR: Please run 'az login' to setup account.\\n"); process.exit(1); }
const value = (flag) => args[args.indexOf(flag) + 1];
const [group, noun, verb] = args;
if (group !== "quantum" || noun !== "offerings" || !["show-terms", "accept-terms"].includes(verb)) process.exit(2);
const key = value("-p") + "/" + value("-k");
const plan = state.plans[key];
if (!plan) { process.stderr.write("ERROR: Provider '" + value("-p") + "' not found.\\n"); process.exit(1); }
if (plan.noTerms) { process.stdout.write("No terms require to be accepted for provider '" + value("-p") + "'.\\n"); process.exit(0); }
if (verb === "accept-terms") { plan.accepted = true; writeFileSync(process.env.AZ_FAKE_STATE, JSON.stringify(state)); }
process.stdout.write(JSON.stringify({
  accepted: plan.accepted,
  id: "/subscriptions/" + value("--subscription") + "/providers/Microsoft.MarketplaceOrdering/offerTypes/VirtualMachine/publishers/pubid/offers/offid/plans/" + value("-k") + "/agreements/current",
  licenseTextLink: "test.licenseLink",
  marketplaceTermsLink: "test.marketplaceTermsLink",
  name: value("-k"),
  plan: value("-k"),
  privacyPolicyLink: "test.privacyPolicyLink",
  product: "offid",
  publisher: "pubid",
  retrieveDatetime: "2017-08-15T11:33:07.12132Z",
  signature: "ASDFSDAFWEFASDGWERLWER",
  type: "Microsoft.MarketplaceOrdering/offertypes",
}, null, 2) + "\\n");
`;

interface FakeState {
  signedOut?: boolean;
  plans: Record<string, { accepted?: boolean; noTerms?: boolean }>;
}

describe("the preprovision hook that accepts the Quantum plans' marketplace terms", () => {
  let dir: string;
  let binDir: string;
  let emptyDir: string;
  const statePath = () => join(dir, "state.json");
  const callsPath = () => join(dir, "calls.jsonl");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "identity-probe-az-"));
    binDir = join(dir, "bin");
    emptyDir = join(dir, "empty");
    await mkdir(binDir);
    await mkdir(emptyDir);
    await writeFile(join(binDir, "az"), fakeAz);
    await chmod(join(binDir, "az"), 0o755);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function runHook(state: FakeState, env: Record<string, string | undefined> = {}, path = `${binDir}${delimiter}${process.env.PATH ?? ""}`) {
    await writeFile(statePath(), JSON.stringify(state));
    await writeFile(callsPath(), "");
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: path,
      AZ_FAKE_STATE: statePath(),
      AZ_FAKE_CALLS: callsPath(),
      AZURE_LOCATION: "westeurope",
      AZURE_SUBSCRIPTION_ID: subscriptionId,
    };
    delete childEnv.QUANTUM_PROVIDERS;
    delete childEnv.QUANTUM_ACCEPT_TERMS;
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete childEnv[name];
      else childEnv[name] = value;
    }
    const result: ProcessResult = await runProcess(process.execPath, [hook], { cwd: projectRoot, env: childEnv, timeoutMs: 60_000 });
    const calls = (await readFile(callsPath(), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
    const after = JSON.parse(await readFile(statePath(), "utf8")) as FakeState;
    return { ...result, calls, after };
  }

  it("accepts the default plan's terms in the deployment's subscription and region, then leaves them alone on the next run", async () => {
    const first = await runHook({ plans: { "ionq/pay-as-you-go-cred": { accepted: false } } });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.calls).toEqual([
      ["quantum", "offerings", "show-terms", "-p", "ionq", "-k", "pay-as-you-go-cred", "-l", "westeurope", "--subscription", subscriptionId, "-o", "json"],
      ["quantum", "offerings", "accept-terms", "-p", "ionq", "-k", "pay-as-you-go-cred", "-l", "westeurope", "--subscription", subscriptionId, "-o", "json"],
    ]);
    expect(first.after.plans["ionq/pay-as-you-go-cred"]?.accepted).toBe(true);
    expect(first.stdout).toMatch(/ionq\/pay-as-you-go-cred: terms accepted/);

    const second = await runHook({ plans: { "ionq/pay-as-you-go-cred": { accepted: true } } });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.calls.map((call) => call[2])).toEqual(["show-terms"]);
    expect(second.stdout).toMatch(/ionq\/pay-as-you-go-cred: terms already accepted/);
  });

  it("takes the plans from QUANTUM_PROVIDERS and skips a plan without marketplace terms", async () => {
    const run = await runHook(
      { plans: { "ionq/pay-as-you-go-cred": { accepted: true }, "rigetti/azure-basic-qvm-only-unlimited": { accepted: false }, "microsoft-qc/learn-and-develop": { noTerms: true } } },
      { QUANTUM_PROVIDERS: " rigetti/azure-basic-qvm-only-unlimited , microsoft-qc/learn-and-develop" },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.calls.map((call) => `${call[2]} ${call[4]}/${call[6]}`)).toEqual([
      "show-terms rigetti/azure-basic-qvm-only-unlimited",
      "accept-terms rigetti/azure-basic-qvm-only-unlimited",
      "show-terms microsoft-qc/learn-and-develop",
    ]);
    expect(run.stdout).toMatch(/microsoft-qc\/learn-and-develop: no marketplace terms to accept/);
  });

  it("does nothing with QUANTUM_ACCEPT_TERMS=false", async () => {
    const run = await runHook({ plans: {} }, { QUANTUM_ACCEPT_TERMS: "false" });
    expect(run.exitCode).toBe(0);
    expect(run.calls).toEqual([]);
    expect(run.stdout).toMatch(/skipped \(QUANTUM_ACCEPT_TERMS=false\)/);
  });

  it("stops the provisioning with what to do when az is signed out", async () => {
    const run = await runHook({ signedOut: true, plans: { "ionq/pay-as-you-go-cred": { accepted: false } } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("Please run 'az login' to setup account.");
    expect(run.stderr).toContain("QUANTUM_ACCEPT_TERMS=false");
  });

  it("says the Azure CLI is needed when az is not on PATH", async () => {
    const run = await runHook({ plans: {} }, {}, emptyDir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/Azure CLI \(az\) is not installed/);
  });

  it.each(["ionq", "ionq/plan/extra", "ionq/plan;touch pwned", "$(id)/x"])("refuses QUANTUM_PROVIDERS=%j before calling az", async (providers) => {
    const run = await runHook({ plans: {} }, { QUANTUM_PROVIDERS: providers });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/QUANTUM_PROVIDERS: .* is not provider\/plan/);
    expect(run.calls).toEqual([]);
  });

  it("needs AZURE_LOCATION, as the terms are looked up per region", async () => {
    const run = await runHook({ plans: {} }, { AZURE_LOCATION: undefined });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/AZURE_LOCATION is not set/);
    expect(run.calls).toEqual([]);
  });

  it("defaults to the template's quantumProviders default, and azure.yaml runs it before provisioning", async () => {
    const script = await readFile(hook, "utf8");
    const bicep = await readFile(join(projectRoot, "infra/main.bicep"), "utf8");
    const hookDefault = /^const defaultQuantumProviders = "([^"]+)";$/m.exec(script)?.[1];
    expect(hookDefault).toBeDefined();
    expect(bicep).toContain(`param quantumProviders string = '${hookDefault ?? ""}'`);
    const azureYaml = await readFile(join(projectRoot, "azure.yaml"), "utf8");
    expect(azureYaml).toMatch(/^hooks:\n {2}preprovision:\n {4}posix:\n {6}shell: sh\n {6}run: node scripts\/acceptQuantumTerms\.mjs\n {4}windows:\n {6}shell: pwsh\n {6}run: node scripts\/acceptQuantumTerms\.mjs$/m);
  });
});
