// `identity-probe probe`: the app's own probe engine, run from wherever the command runs. The same
// composition root as the app (src/composition.ts) builds it from the same settings (src/config.ts), so a
// pipeline step and the deployed app answer the same question the same way: DefaultAzureCredential is the
// developer credential chain on a workstation and the managed identity in Azure.
import { createAppServices, probedAudiences } from "../composition.js";
import type { AppConfig } from "../config.js";
import type { ResourceDefinition } from "../resources/resourceDefinition.js";
import type { HealthReport } from "../shared/healthReport.js";
import type { ProbeCommand } from "./cliArguments.js";

export type Environment = Readonly<Record<string, string | undefined>>;

/** Time beyond the per-check deadline for the report as a whole (DESIGN §3.1: "plus a small margin"). */
const reportMarginMs = 3_000;

export class ProbeDeadlineError extends Error {
  override readonly name = "ProbeDeadlineError";
}

/**
 * The environment the probe reads: the process's own, with each flag in place of the setting it stands
 * for. A new object — process.env is never changed, so nothing else in the process sees the flags.
 */
export function probeEnvironment(base: Environment, command: Pick<ProbeCommand, "identities" | "audiences" | "timeoutMs">): Environment {
  return {
    ...base,
    ...(command.identities.length > 0 ? { IDENTITY_PROBE_IDENTITIES: command.identities.join(",") } : {}),
    ...(command.audiences.length > 0 ? { IDENTITY_PROBE_AUDIENCES: command.audiences.join(",") } : {}),
    ...(command.timeoutMs !== undefined ? { IDENTITY_PROBE_TIMEOUT_MS: String(command.timeoutMs) } : {}),
  };
}

/** What the progress line says while the checks run. */
export function describeProbe(config: AppConfig, definitions: readonly ResourceDefinition[]): string {
  const identities = config.identities.length;
  const audiences = probedAudiences(config, definitions).length;
  const resources = definitions.filter((definition) => config.resourceSettings(definition).state === "configured").length;
  const count = (value: number, one: string, many: string): string => `${value} ${value === 1 ? one : many}`;
  return `probing ${count(identities, "identity", "identities")} × ${count(audiences, "audience", "audiences")} and ${count(resources, "resource", "resources")}…`;
}

export interface RunProbeOptions {
  readonly config: AppConfig;
  readonly resources: readonly ResourceDefinition[];
  readonly environment: Environment;
  readonly abortSignal?: AbortSignal;
}

/**
 * Builds one report. Every check has its own deadline (config.timeoutMs) in the engine; the report as a
 * whole gets that plus a margin, so the command ends on time whatever a dependency does.
 */
export async function runProbe(options: RunProbeOptions): Promise<HealthReport> {
  const { config } = options;
  const { identityHealth } = createAppServices(config, options.resources);
  const deadlineMs = config.timeoutMs + reportMarginMs;
  const deadline = AbortSignal.timeout(deadlineMs);
  const abortSignal = options.abortSignal ? AbortSignal.any([options.abortSignal, deadline]) : deadline;
  try {
    // The raw identity-endpoint check runs wherever msal-node finds a source, plain IMDS included (with a short
    // connect deadline, so that a machine that is no Azure VM says so in a second); where a developer's sign-in
    // answered instead, it says so as `skipped`.
    return await identityHealth.getReport({ includeIdentityEndpoint: true, abortSignal });
  } catch (error) {
    if (deadline.aborted) throw new ProbeDeadlineError(`the report did not finish within ${deadlineMs} ms`);
    throw error;
  }
}
