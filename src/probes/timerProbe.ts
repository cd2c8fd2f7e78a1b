// One run of the scheduled probe (DESIGN §3.2): build the full report, record it, log it with what
// changed since the last run, publish the summary for the dashboard. A failing step is logged and does
// not stop the others; every step has a deadline.
import type { ProbeHistory } from "../services/blob/probeHistory.js";
import type { HealthReport, OverallStatus } from "../shared/healthReport.js";
import { classifyError } from "./classifyError.js";
import type { IdentityHealth } from "./identityHealth.js";
import { summarizeReport } from "./reportSummary.js";

export interface ProbeLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface TimerProbeDependencies {
  readonly identityHealth: IdentityHealth;
  readonly history: ProbeHistory | undefined;
  /** Publishes the summary to the dashboard's live channel (Web PubSub group `identity-probe`). */
  readonly publish: ((summary: HealthReport, options: { abortSignal: AbortSignal }) => Promise<void>) | undefined;
  readonly stepTimeoutMs: number;
}

export interface TimerProbeRun {
  readonly report: HealthReport;
  readonly historyBlob: string | undefined;
  readonly published: boolean;
  readonly transition: { readonly from: OverallStatus; readonly to: OverallStatus } | undefined;
}

export interface TimerProbe {
  run(invocationId: string, log: ProbeLogger): Promise<TimerProbeRun>;
}

/**
 * The per-run log line is this prefix and one JSON object: `identityProbe.run {"event":"identityProbe.run",…}`.
 * The Functions host writes a context.log line to Application Insights `traces` as `message`, unchanged, with
 * category `Function.<function name>.User`; the alert rules (infra/modules/alerts.bicep) select the line with
 * `startswith` and read its fields with parse_json. test/infra/alertRules.test.ts runs the timer and checks the
 * rules' queries against its real lines. The line carries statuses, categories and identity labels only: no
 * principal or tenant ID, no token, no error text.
 */
export const runLogPrefix = "identityProbe.run ";
export const runLogEvent = "identityProbe.run";

/** What the run line says about one check entry that failed. */
interface FailingCheck {
  readonly check: string;
  /** The identity's label (`system`, `user-assigned`, `user-assigned-2`), never an ID. */
  readonly identity: string;
  readonly category: string;
}

function failingChecks(report: HealthReport): FailingCheck[] {
  return Object.entries(report.checks).flatMap(([check, entries]) =>
    entries
      .filter((entry) => entry.status === "fail")
      .map((entry) => ({ check, identity: entry.identity ?? "app", category: entry.errorCategory ?? "unknown" })),
  );
}

/** What the timer compares between runs: this run's report or the last one read back from the history. */
interface StatusView {
  readonly status: OverallStatus;
  readonly checks: Readonly<Record<string, readonly { readonly status: string; readonly errorCategory?: string | undefined }[]>>;
}

/** `storage:token` → ["pass", "fail"]: one status per identity, for log lines without IDs or text. */
function checkStatuses(report: StatusView): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(report.checks).map(([key, entries]) => [
      key,
      entries.map((entry) => (entry.errorCategory ? `${entry.status}(${entry.errorCategory})` : entry.status)),
    ]),
  );
}

function describeChanges(previous: StatusView | undefined, current: StatusView): string[] {
  if (!previous) return [];
  const before = checkStatuses(previous);
  const after = checkStatuses(current);
  const changes: string[] = [];
  for (const [key, statuses] of Object.entries(after)) {
    const old = before[key]?.join(",") ?? "absent";
    if (old !== statuses.join(",")) changes.push(`${key}: ${old} → ${statuses.join(",")}`);
  }
  return changes;
}

export function createTimerProbe(dependencies: TimerProbeDependencies): TimerProbe {
  let previous: StatusView | undefined;

  return {
    async run(invocationId, log) {
      const report = await dependencies.identityHealth.getReport({
        includeIdentityEndpoint: true,
        abortSignal: AbortSignal.timeout(dependencies.stepTimeoutMs * 2),
      });

      // Another instance (or a restart) may have run last: fall back to the newest recorded run.
      if (!previous && dependencies.history) {
        previous = await dependencies.history
          .list({ limit: 1, abortSignal: AbortSignal.timeout(dependencies.stepTimeoutMs) })
          .then((entries) => entries[0]?.report)
          .catch(() => undefined);
      }

      // Record first, then publish: a dashboard that hears of a run reads that run from the history.
      // Either step failing is logged and does not stop the other.
      const recorded = dependencies.history
        ? await dependencies.history
            .record(report, invocationId, { abortSignal: AbortSignal.timeout(dependencies.stepTimeoutMs) })
            .catch((error: unknown) => {
              const classified = classifyError(error);
              log.error(
                `identityProbe could not record the report: ${classified.category} ${classified.status ?? ""} ${classified.message}`,
              );
              return undefined;
            })
        : undefined;
      const published = dependencies.publish
        ? await dependencies.publish(summarizeReport(report), { abortSignal: AbortSignal.timeout(dependencies.stepTimeoutMs) }).then(
            () => true,
            (error: unknown) => {
              const classified = classifyError(error);
              log.error(
                `identityProbe could not publish the summary: ${classified.category} ${classified.status ?? ""} ${classified.message}`,
              );
              return false;
            },
          )
        : false;

      const changes = describeChanges(previous, report);
      const transition = previous && previous.status !== report.status ? { from: previous.status, to: report.status } : undefined;
      const line = `${runLogPrefix}${JSON.stringify({
        event: runLogEvent,
        status: report.status,
        runId: invocationId,
        failing: failingChecks(report),
        checks: checkStatuses(report),
        historyBlob: recorded ?? null,
      })}`;
      if (report.status === "fail") log.error(line);
      else if (report.status === "warn") log.warn(line);
      else log.info(line);
      if (transition) {
        const message = `identityProbe status changed ${transition.from} → ${transition.to}: ${changes.join("; ")}`;
        if (transition.to === "pass") log.info(message);
        else log.warn(message);
      } else if (changes.length > 0) {
        log.info(`identityProbe checks changed: ${changes.join("; ")}`);
      }
      previous = report;
      return { report, historyBlob: recorded, published, transition };
    },
  };
}
