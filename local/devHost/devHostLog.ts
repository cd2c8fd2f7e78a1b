// How the dev host prints: one line per log record with timestamp, level, function name and invocation
// ID, like the Functions host's console output. A record is never built from request headers, so keys and
// tokens in headers cannot reach a line; the message of a multi-line record (a stack) is folded onto one line.
import type { RpcLogCategory, RpcLogLevel } from "./functionsCoreTypes.js";

export interface DevHostLogRecord {
  readonly level: RpcLogLevel;
  /** `user`/`system` as the worker's RPC log; `host` for the dev host's own lines. */
  readonly category: RpcLogCategory | "host";
  readonly message: string;
  readonly functionName?: string;
  readonly invocationId?: string;
}

/** Receives each formatted line; the default writes warnings and errors to stderr, the rest to stdout. */
export type DevHostLogSink = (line: string, record: DevHostLogRecord) => void;

const levelOrder: Record<RpcLogLevel, number> = { trace: 0, debug: 1, information: 2, warning: 3, error: 4, critical: 5, none: 6 };
const levelLabel: Record<RpcLogLevel, string> = {
  trace: "Trace",
  debug: "Debug",
  information: "Information",
  warning: "Warning",
  error: "Error",
  critical: "Critical",
  none: "None",
};

export function isLevelEnabled(level: RpcLogLevel, minimum: RpcLogLevel): boolean {
  return level !== "none" && levelOrder[level] >= levelOrder[minimum];
}

export function formatLogLine(record: DevHostLogRecord, now: Date = new Date()): string {
  const source = record.functionName
    ? `${record.functionName}${record.invocationId ? ` (${record.invocationId})` : ""}`
    : record.category === "host"
      ? "host"
      : "worker";
  const message = record.message.replace(/\r?\n\s*/g, " ⏎ ").trimEnd();
  return `${now.toISOString()} [${levelLabel[record.level]}] ${source}: ${message}`;
}

export const consoleLogSink: DevHostLogSink = (line, record) => {
  if (levelOrder[record.level] >= levelOrder.warning) process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};
