// Since when has an identity been refused (403) by a resource? Counted from the first time it was seen,
// in this process or — after a restart, when this process has not seen it before — in the probe history:
// the run of consecutive recorded reports in which that check was `forbidden`. Flex Consumption instances
// restart and scale to zero often; without the history, a role missing for hours would read "likely still
// propagating" for the first 30 minutes of every new instance.
import type { ProbeHistory } from "../services/blob/probeHistory.js";
import { formatCheckKey } from "../shared/healthReport.js";
import type { ReceivedReport } from "../shared/receivedReport.js";

export interface ForbiddenKey {
  readonly identity: string;
  readonly component: string;
}

export interface ForbiddenStreaks {
  /** When each of these refusals was first seen (now, for one seen nowhere before). */
  since(keys: readonly ForbiddenKey[], now: number, options: { readonly abortSignal: AbortSignal }): Promise<Map<string, number>>;
  /** The check passed or failed otherwise: a later 403 starts a new streak. */
  end(key: ForbiddenKey): void;
}

/** How many recorded runs to look back at most: at the default 5-minute schedule, a little over 4 hours. */
const historyRunsRead = 50;

export function streakKey(key: ForbiddenKey): string {
  return `${key.identity}\n${key.component}`;
}

function wasForbidden(report: ReceivedReport, key: ForbiddenKey): boolean {
  const entries = report.checks[formatCheckKey({ component: key.component, measurement: "access" })] ?? [];
  return entries.some((entry) => entry.identity === key.identity && entry.errorCategory === "forbidden");
}

/** The oldest report time of the unbroken run of refusals, newest first; undefined when the newest was not one. */
function streakStart(reports: readonly ReceivedReport[], key: ForbiddenKey): number | undefined {
  let start: number | undefined;
  for (const report of reports) {
    if (!wasForbidden(report, key)) break;
    const time = Date.parse(report.time);
    if (Number.isFinite(time)) start = time;
  }
  return start;
}

export function createForbiddenStreaks(history: ProbeHistory | undefined): ForbiddenStreaks {
  const firstSeen = new Map<string, number>();

  return {
    async since(keys, now, { abortSignal }) {
      const unknown = keys.filter((key) => !firstSeen.has(streakKey(key)));
      if (unknown.length > 0) {
        // One read of the history for every refusal this process has not seen before; without it (no
        // history, or not readable in time) the refusal counts from now.
        const reports = history
          ? await history
              .list({ limit: historyRunsRead, abortSignal })
              .then((entries) => entries.map((entry) => entry.report))
              .catch(() => [])
          : [];
        for (const key of unknown) firstSeen.set(streakKey(key), Math.min(streakStart(reports, key) ?? now, now));
      }
      return new Map(keys.map((key) => [streakKey(key), firstSeen.get(streakKey(key)) ?? now]));
    },
    end(key) {
      firstSeen.delete(streakKey(key));
    },
  };
}
