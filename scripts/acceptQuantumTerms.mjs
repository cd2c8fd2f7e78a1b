// azd `preprovision` hook (azure.yaml): accepts the Azure Marketplace terms of the Quantum plans that
// infra/main.bicep adds to the workspace, before the workspace is created. Microsoft's CLI refuses to create a
// workspace whose plans' terms are not accepted ("Terms for Provider '…' and SKU '…' have not been accepted.
// Use command 'az quantum offerings accept-terms' to accept them.", azure-cli-extensions quantum workspace.py),
// and a template deployment fails the same way. This hook does what Microsoft documents for it ("Manage quantum
// workspaces with the Azure CLI": `az quantum offerings show-terms`, then `az quantum offerings accept-terms`):
//
// - the plans: QUANTUM_PROVIDERS ("provider/plan, provider/plan", the quantumProviders parameter), else the
//   template's default below (test/infra/templates.test.ts keeps the two equal);
// - idempotent: a plan whose terms are already accepted is left alone, and one without marketplace terms
//   (the CLI says "No terms require to be accepted") is skipped;
// - skipped entirely with QUANTUM_ACCEPT_TERMS=false (then accept them yourself, or the provisioning fails);
// - costs nothing by itself: accepting terms enables the plan; jobs on its paid targets are billed per use.
//
// It needs the Azure CLI signed in to the same subscription (az login); the `quantum` extension is installed
// without a prompt if it is missing. Every az call has a deadline.
import { spawn } from "node:child_process";

/** infra/main.bicep's quantumProviders default. */
const defaultQuantumProviders = "ionq/pay-as-you-go-cred";
const azTimeoutMs = 5 * 60_000;
/** Provider and plan IDs are marketplace identifiers: letters, digits, dots, dashes, underscores. */
const identifier = /^[A-Za-z0-9._-]{1,100}$/;

function fail(message) {
  process.stderr.write(`accept-quantum-terms: ${message}\n`);
  process.exit(1);
}

function log(message) {
  process.stdout.write(`accept-quantum-terms: ${message}\n`);
}

/** "ionq/pay-as-you-go-cred, rigetti/x" → [{ provider: "ionq", plan: "pay-as-you-go-cred" }, …]. */
function parseProviders(text) {
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [provider = "", plan = "", ...rest] = entry.split("/").map((part) => part.trim());
      if (rest.length > 0 || !identifier.test(provider) || !identifier.test(plan))
        throw new Error(`QUANTUM_PROVIDERS: '${entry.slice(0, 200)}' is not provider/plan (e.g. ionq/pay-as-you-go-cred)`);
      return { provider, plan };
    });
}

function runAz(args) {
  return new Promise((resolve, reject) => {
    // az is az.cmd on Windows, which only a shell runs; every argument has been checked against `identifier`.
    const child = spawn("az", args, {
      shell: process.platform === "win32",
      stdio: ["ignore", "pipe", "pipe"],
      // Azure CLI configuration from the environment (AZURE_<section>_<name>): install the quantum extension without asking.
      env: { ...process.env, AZURE_EXTENSION_USE_DYNAMIC_INSTALL: "yes_without_prompt" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`az ${args.slice(0, 3).join(" ")} did not finish within ${azTimeoutMs / 1000} s`));
    }, azTimeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        error.code === "ENOENT" ? new Error("the Azure CLI (az) is not installed or not on PATH: install it and run `az login`") : error,
      );
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The agreement as az prints it (flattened), or as the REST API nests it under `properties`. */
function isAccepted(output) {
  try {
    const agreement = JSON.parse(output);
    return agreement?.accepted === true || agreement?.properties?.accepted === true;
  } catch {
    return false;
  }
}

const noTermsNeeded = /No terms require to be accepted/i;

async function main() {
  if ((process.env.QUANTUM_ACCEPT_TERMS ?? "").trim().toLowerCase() === "false") {
    log("skipped (QUANTUM_ACCEPT_TERMS=false): the workspace's plans must have their marketplace terms accepted already.");
    return;
  }
  let plans;
  try {
    plans = parseProviders(process.env.QUANTUM_PROVIDERS?.trim() || defaultQuantumProviders);
  } catch (error) {
    fail(error.message);
  }
  const location = process.env.AZURE_LOCATION?.trim();
  if (!location || !identifier.test(location))
    fail("AZURE_LOCATION is not set: run `azd env set AZURE_LOCATION <region>` first (or set QUANTUM_ACCEPT_TERMS=false).");
  const subscription = process.env.AZURE_SUBSCRIPTION_ID?.trim();
  const scope = ["-l", location, ...(subscription && identifier.test(subscription) ? ["--subscription", subscription] : []), "-o", "json"];
  const hint = "Sign in with `az login` (same subscription as azd), or set QUANTUM_ACCEPT_TERMS=false and accept the terms yourself.";

  for (const { provider, plan } of plans) {
    const which = `${provider}/${plan}`;
    let shown;
    try {
      shown = await runAz(["quantum", "offerings", "show-terms", "-p", provider, "-k", plan, ...scope]);
    } catch (error) {
      fail(`${which}: ${error.message}. ${hint}`);
    }
    if (shown.code !== 0) fail(`${which}: az quantum offerings show-terms failed:\n${shown.stderr.trim()}\n${hint}`);
    if (noTermsNeeded.test(shown.stdout + shown.stderr)) {
      log(`${which}: no marketplace terms to accept.`);
      continue;
    }
    if (isAccepted(shown.stdout)) {
      log(`${which}: terms already accepted.`);
      continue;
    }
    const accepted = await runAz(["quantum", "offerings", "accept-terms", "-p", provider, "-k", plan, ...scope]).catch((error) =>
      fail(`${which}: ${error.message}. ${hint}`),
    );
    if (accepted.code !== 0 || !isAccepted(accepted.stdout))
      fail(`${which}: az quantum offerings accept-terms failed:\n${accepted.stderr.trim()}\n${hint}`);
    log(`${which}: terms accepted (free; the plan bills its paid targets per use).`);
  }
}

await main();
