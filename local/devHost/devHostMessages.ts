// What the dev host process tells a parent that started it with an IPC channel (the local stack).
import type { RegisteredFunctionInfo } from "./functionIndex.js";

export interface DevHostReadyMessage {
  readonly type: "ready";
  readonly url: string;
  readonly functionKey: string;
  readonly routePrefix: string;
  readonly functions: readonly RegisteredFunctionInfo[];
}

export interface DevHostFailedMessage {
  readonly type: "failed";
  readonly message: string;
  readonly isPortInUse: boolean;
}
