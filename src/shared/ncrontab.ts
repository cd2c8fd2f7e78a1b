// NCRONTAB, the Functions timer's schedule format: six fields, seconds first
// ({second} {minute} {hour} {day} {month} {day-of-week}), parsed by croner. NCRONTAB (like Quartz) needs
// day-of-month and day-of-week to match together where classic cron takes either.
import { Cron, type CronOptions } from "croner";

export const ncrontabOptions = { mode: "6-part", domAndDow: true } as const satisfies CronOptions;

/** Whether `expression` is an NCRONTAB schedule the Functions host would run; croner's reason when not. */
export function checkNcrontab(expression: string): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
  try {
    new Cron(expression.trim(), { ...ncrontabOptions, paused: true }).stop();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
