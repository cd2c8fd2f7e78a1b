// The targets the workspace offers, read from Providers_List (`GET …/providerStatus`, spec 2026-08-01-preview)
// so that a job for a target the workspace does not have is refused before anything is uploaded: the
// service would refuse it too, but only after the app has written the job's input. The list changes when
// someone adds a provider to the workspace, not per request, so it is kept for a minute; concurrent
// submissions share one read, and the read has a deadline of its own. A failed read is not kept: the
// next submission asks again.
import { createSharedInFlight } from "../../shared/sharedInFlight.js";
import type { ProviderStatus } from "./jobDetails.js";

export interface OfferedTargets {
  /** IDs of the targets `providerId` (any case) offers in the workspace; throws what Providers_List threw. */
  targetsOf(providerId: string, options?: { abortSignal?: AbortSignal }): Promise<readonly string[]>;
}

export interface OfferedTargetsOptions {
  readonly listProviderStatus: (options: { abortSignal: AbortSignal }) => Promise<ProviderStatus[]>;
  /** How long a read list is used; default one minute. */
  readonly ttlMs?: number;
  /** Deadline of one read, whatever the callers allow; default 10 s. */
  readonly readTimeoutMs?: number;
  readonly now?: () => number;
}

export function createOfferedTargets(options: OfferedTargetsOptions): OfferedTargets {
  const ttlMs = options.ttlMs ?? 60_000;
  const readTimeoutMs = options.readTimeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const reads = createSharedInFlight<readonly ProviderStatus[]>();
  let cached: { readonly providers: readonly ProviderStatus[]; readonly expiresAt: number } | undefined;

  async function providers(abortSignal: AbortSignal | undefined): Promise<readonly ProviderStatus[]> {
    if (cached && now() < cached.expiresAt) return cached.providers;
    return reads.run(
      "providerStatus",
      async (signal) => {
        const read = await options.listProviderStatus({ abortSignal: AbortSignal.any([signal, AbortSignal.timeout(readTimeoutMs)]) });
        cached = { providers: read, expiresAt: now() + ttlMs };
        return read;
      },
      { abortSignal },
    );
  }

  return {
    async targetsOf(providerId, { abortSignal } = {}) {
      const wanted = providerId.toLowerCase();
      return (await providers(abortSignal))
        .filter((provider) => provider.id.toLowerCase() === wanted)
        .flatMap((provider) => provider.targets.map((target) => target.id));
    },
  };
}
