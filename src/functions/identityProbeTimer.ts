// Timer `identityProbe` (schedule %IDENTITY_PROBE_SCHEDULE%): the scheduled identity health probe.
import type { InvocationContext, Timer } from "@azure/functions";
import { getTimerProbe } from "../runtime.js";

export async function identityProbeTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const probe = await getTimerProbe();
  await probe.run(context.invocationId, {
    info: (message) => context.info(message),
    warn: (message) => context.warn(message),
    error: (message) => context.error(message),
  });
}
