// Runs timer functions on their NCRONTAB schedule with croner (six fields, seconds first). As in the
// Functions host: one run of a timer at a time (a run that would start while the previous one is still
// going is skipped), times in the machine's time zone unless WEBSITE_TIME_ZONE names another (IANA name),
// `runOnStartup` runs once when the host has started, and `useMonitor` (schedule monitoring through
// storage) is not implemented: a missed occurrence is simply missed.
import { Cron } from "croner";
import type { IndexedFunction } from "./functionIndex.js";
import type { TimerStatus } from "./timerTriggerData.js";

export interface TimerScheduler {
  /** The next scheduled occurrence of a timer function, if it has one. */
  nextRun(functionName: string): Date | undefined;
  /** The status a run started now (by the admin API or at startup) is given. */
  statusForRunNow(functionName: string): TimerStatus;
  stop(): void;
}

export interface TimerSchedulerOptions {
  readonly timers: readonly IndexedFunction[];
  readonly timezone?: string;
  /** Runs one occurrence; rejections are the caller's to log. */
  readonly run: (timer: IndexedFunction, status: TimerStatus) => Promise<void>;
}

// A run that starts this much later than its occurrence is reported as past due.
const pastDueAfterMs = 2_000;

export function startTimerScheduler(options: TimerSchedulerOptions): TimerScheduler {
  const jobs = new Map<string, Cron>();
  const lastOccurrence = new Map<string, Date>();

  for (const timer of options.timers) {
    if (!timer.timer) continue;
    const key = timer.name.toLowerCase();
    let expected: Date | null = null;
    const job: Cron = new Cron(
      timer.timer.resolvedSchedule,
      {
        mode: "6-part",
        // NCRONTAB needs both day-of-month and day-of-week to match; classic cron takes either.
        domAndDow: true,
        protect: true,
        ...(options.timezone ? { timezone: options.timezone } : {}),
      },
      async () => {
        const now = new Date();
        const occurrence = expected ?? now;
        expected = job.nextRun(new Date(Math.max(now.getTime(), occurrence.getTime())));
        const status: TimerStatus = {
          isPastDue: now.getTime() - occurrence.getTime() > pastDueAfterMs,
          last: lastOccurrence.get(key),
          next: expected ?? undefined,
        };
        lastOccurrence.set(key, occurrence);
        await options.run(timer, status).catch(() => undefined);
      },
    );
    expected = job.nextRun();
    jobs.set(key, job);
  }

  return {
    nextRun(functionName) {
      return jobs.get(functionName.toLowerCase())?.nextRun() ?? undefined;
    },
    statusForRunNow(functionName) {
      const key = functionName.toLowerCase();
      return { isPastDue: false, last: lastOccurrence.get(key), next: jobs.get(key)?.nextRun() ?? undefined };
    },
    stop() {
      for (const job of jobs.values()) job.stop();
      jobs.clear();
    },
  };
}
