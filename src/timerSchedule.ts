// The timer's schedule binding, decided at registration. Apart from config.ts, the one place that reads
// the environment: registration must not load zod (config.ts does), so that a cold start pays only for
// @azure/functions and the registrations.
import { checkNcrontab } from "./shared/ncrontab.js";

export const defaultSchedule = "0 */5 * * * *";

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The app setting when it holds a valid expression, the default when it is unset (the Functions host
 * refuses to index a `%SETTING%` that does not exist), and undefined when it is malformed: the timer is
 * then not registered, and the report's `config:settings` check says why.
 */
export function timerScheduleBinding(env: Environment = process.env): string | undefined {
  const raw = env.IDENTITY_PROBE_SCHEDULE;
  if (raw === undefined || raw.trim() === "") return defaultSchedule;
  // The default (what Bicep sets unless told otherwise) is known to be valid (test/unit/config.test.ts): no
  // need to build a croner schedule at registration, which is the cold start. Any other value is checked.
  if (raw.trim() === defaultSchedule) return "%IDENTITY_PROBE_SCHEDULE%";
  return checkNcrontab(raw).ok ? "%IDENTITY_PROBE_SCHEDULE%" : undefined;
}
