// The timer trigger's input as the host sends it: TimerInfo serialized as JSON with .NET (PascalCase)
// names, which the library turns into its `Timer` ({ isPastDue, schedule, scheduleStatus }) with
// toCamelCaseValue.
import type { RpcTypedData } from "./functionsCoreTypes.js";

export interface TimerStatus {
  readonly isPastDue: boolean;
  readonly last: Date | undefined;
  readonly next: Date | undefined;
}

// .NET's DateTime.MinValue: what TimerInfo carries before the first run.
const neverRun = "0001-01-01T00:00:00";

export function toRpcTimerData(status: TimerStatus, now: Date = new Date()): RpcTypedData {
  return {
    json: JSON.stringify({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: status.last ? status.last.toISOString() : neverRun,
        Next: status.next ? status.next.toISOString() : neverRun,
        LastUpdated: now.toISOString(),
      },
      IsPastDue: status.isPastDue,
    }),
  };
}
