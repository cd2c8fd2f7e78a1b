// What the Node.js worker keeps about the loaded app (its AppContext and WorkerContext.log): the
// programming model the library set, the registered functions, the hooks and the hook data shared
// between them, and where log records go. One per dev host.
import { formatLogLine, isLevelEnabled, type DevHostLogRecord, type DevHostLogSink } from "./devHostLog.js";
import type {
  FunctionCallback,
  HookCallback,
  HookData,
  HookName,
  ProgrammingModel,
  RpcFunctionMetadata,
  RpcLogLevel,
} from "./functionsCoreTypes.js";

export interface RegisteredFunction {
  readonly functionId: string;
  readonly metadata: RpcFunctionMetadata & { readonly name: string; readonly bindings: NonNullable<RpcFunctionMetadata["bindings"]> };
  readonly callback: FunctionCallback;
}

export class WorkerAppState {
  programmingModel: ProgrammingModel | undefined;
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, HookCallback[]> = { preInvocation: [], postInvocation: [], appStart: [], appTerminate: [], log: [] };
  /** Shared by every hook of every scope (the worker's `appHookData`). */
  readonly appHookData: HookData = {};
  /** Shared by the app-level hooks only: appStart and appTerminate (the worker's `appLevelOnlyHookData`). */
  readonly appLevelOnlyHookData: HookData = {};
  /** Set once the functions are indexed: from then on registerFunction throws, as in the worker. */
  isIndexingLocked = false;
  /** The entry point being imported, for the metadata's scriptFile/directory. */
  currentEntryPoint: string | undefined;
  #isInLogHook = false;

  constructor(
    private readonly sink: DevHostLogSink,
    private readonly minimumLevel: RpcLogLevel,
  ) {}

  /**
   * Writes one log record. User records first go through the app's log hooks (app.hook.log), which may
   * change their level and message; a log written from inside a log hook skips the hooks (no recursion).
   */
  log(record: DevHostLogRecord, invocationContext?: unknown): void {
    let { level, message } = record;
    if (this.hooks.log.length > 0 && !this.#isInLogHook && (record.category === "user" || record.category === "system")) {
      const context = {
        hookData: {},
        appHookData: this.appHookData,
        invocationContext,
        category: record.category,
        level,
        message,
      };
      this.#isInLogHook = true;
      try {
        for (const callback of [...this.hooks.log]) callback(context);
        // Only user logs can be changed by a hook (types-core: LogHookContext.level/message).
        if (record.category === "user") {
          level = context.level;
          message = String(context.message);
        }
      } catch (error) {
        this.#write({ level: "error", category: "host", message: `A log hook failed: ${describeError(error)}` });
      } finally {
        this.#isInLogHook = false;
      }
    }
    this.#write({ ...record, level, message });
  }

  #write(record: DevHostLogRecord): void {
    if (!isLevelEnabled(record.level, this.minimumLevel)) return;
    this.sink(formatLogLine(record), record);
  }
}

/** An error as one log message: its name and message, and its stack where there is one. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return typeof error === "string" ? error : (JSON.stringify(error) ?? String(error));
}
