// `identity-probe --help`: what a pipeline author needs — the two commands, their flags, the settings the
// probe reads and what each exit code means.
import type { HelpTopic } from "./cliArguments.js";
import { timeoutBounds } from "../config.js";
import { defaultCheckTimeoutMs } from "./cliArguments.js";

const probeSection = `Probe options (run the checks from here):
  --identity <system|client-id>  Also probe this identity; repeatable or comma-separated
                                 (replaces IDENTITY_PROBE_IDENTITIES). The app's own identity
                                 (AZURE_CLIENT_ID, else system-assigned) is always probed.
  --audience <uri>               Also get a token for this audience; repeatable
                                 (replaces IDENTITY_PROBE_AUDIENCES)
  --timeout <ms>                 Deadline for each check, ${timeoutBounds.min}-${timeoutBounds.max}
                                 (replaces IDENTITY_PROBE_TIMEOUT_MS; default 5000)`;

const checkSection = `Check options (read a deployed app's report):
  --url <url>                    The app's /api/health/identity/details route (the anonymous
                                 /api/health/identity summary works too). https, or http for
                                 loopback addresses only. Required.
  --key <function key>           Sent in the x-functions-key header; never printed
  --timeout <ms>                 Deadline for the whole request (default ${defaultCheckTimeoutMs})`;

const commonSection = `Common options:
  --json                         Print the report itself (application/health+json) instead of a table
  --strict                       Exit 1 on warn as well as on fail
  -h, --help                     Show this help
  --version                      Print the version`;

const exitSection = `Exit status:
  0  pass, or warn without --strict
  1  fail, or warn with --strict
  2  no verdict: a usage error, an unreachable URL, an answer that is not a health report`;

const environmentSection = `Environment (probe): the app's own settings — AZURE_CLIENT_ID, AZURE_STORAGE_BLOB_ENDPOINT,
AZURE_STORAGE_CONTAINER, AZURE_WEBPUBSUB_ENDPOINT, AZURE_WEBPUBSUB_HUB, AZURE_QUANTUM_ENDPOINT,
AZURE_QUANTUM_WORKSPACE_ID, AZURE_QUANTUM_API_VERSION, AZURE_STORAGE_ACCOUNT_ID, AZURE_WEBPUBSUB_ID,
AZURE_RESOURCE_MANAGER_ENDPOINT, AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP, IDENTITY_PROBE_*. Tokens come
from DefaultAzureCredential (AZURE_TOKEN_CREDENTIALS narrows its chain): your developer sign-in locally,
the managed identity in Azure. The raw identity-endpoint check runs only when IDENTITY_ENDPOINT or
AZURE_POD_IDENTITY_AUTHORITY_HOST is set. NO_COLOR turns colour off.`;

export function usageText(topic: HelpTopic): string {
  const header = `Usage: identity-probe <command> [options]

Proves that managed identity and role assignments work: a token per identity and audience, and an
authorized call to each configured resource, with the cause and the fix of every failure.

Commands:
  probe   identity-probe probe [--identity <system|client-id>]… [--audience <uri>]… [--timeout <ms>]
                               [--json] [--strict]
  check   identity-probe check --url <app>/api/health/identity/details [--key <function key>]
                               [--timeout <ms>] [--json] [--strict]`;
  const sections =
    topic === "probe"
      ? [header, probeSection, commonSection, exitSection, environmentSection]
      : topic === "check"
        ? [header, checkSection, commonSection, exitSection]
        : [header, probeSection, checkSection, commonSection, exitSection, environmentSection];
  return `${sections.join("\n\n")}\n`;
}
