// The function list printed at start, in Core Tools' format ("name: [GET,POST] http://localhost:7071/api/name"),
// by `npm run host` and by the local stack.
import type { RegisteredFunctionInfo } from "./functionIndex.js";

export function functionListing(functions: readonly RegisteredFunctionInfo[]): string[] {
  return functions.map((info) => {
    if (info.http) {
      const methods = info.http.methods.length > 0 ? info.http.methods.join(",") : "ALL";
      const key = info.http.authLevel === "anonymous" ? "" : `  (${info.http.authLevel} key)`;
      return `        ${info.name}: [${methods}] ${info.http.url}${key}`;
    }
    if (info.timer)
      return `        ${info.name}: timerTrigger "${info.timer.resolvedSchedule}"${info.timer.nextRun ? `, next run ${info.timer.nextRun}` : ""}`;
    return `        ${info.name}: ${info.triggerType} (run it with POST /admin/functions/${info.name})`;
  });
}
