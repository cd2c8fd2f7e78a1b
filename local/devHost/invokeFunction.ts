// One invocation, step for step as the Node.js worker's InvocationHandler runs it: the library's
// ProgrammingModel makes an InvocationModel from the core invocation context; getArguments turns the RPC
// request into the library's InvocationContext and inputs (HttpRequest, Timer…); preInvocation hooks may
// change inputs and handler; invokeFunction runs the handler; postInvocation hooks see the result or
// error; getResponse turns the result into the RPC response (toRpcHttp for HTTP). The host's
// "Executing/Executed" lines frame it in the log.
import type {
  CoreInvocationContext,
  HookData,
  InvocationState,
  RpcFunctionMetadata,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
} from "./functionsCoreTypes.js";
import { executeHooks } from "./registerHook.js";
import { postInvocationHookContext, preInvocationHookContext } from "./hookContexts.js";
import { FunctionsSystemError } from "./functionsSystemError.js";
import { describeError, type RegisteredFunction, type WorkerAppState } from "./workerAppState.js";

class DevHostInvocationContext implements CoreInvocationContext {
  state?: InvocationState;
  /** The library's InvocationContext once getArguments made it: log hooks receive it. */
  invocationContext: unknown;

  constructor(
    readonly invocationId: string,
    readonly request: RpcInvocationRequest,
    readonly metadata: RpcFunctionMetadata,
    private readonly appState: WorkerAppState,
  ) {}

  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
    this.appState.log(
      { level, category, message: String(message), functionName: this.metadata.name ?? undefined, invocationId: this.invocationId },
      this.invocationContext,
    );
  }
}

export interface InvocationOutcome {
  readonly response: RpcInvocationResponse;
  readonly durationMs: number;
}

/**
 * Runs the function; resolves with the RPC response, or rejects with what the function (or a hook) threw,
 * after logging it. `reason` is the host's "Executing" reason (e.g. "This function was programmatically
 * called via the host APIs.").
 */
export async function invokeFunction(
  appState: WorkerAppState,
  registration: RegisteredFunction,
  request: RpcInvocationRequest & { invocationId: string },
  reason: string,
): Promise<InvocationOutcome> {
  const name = registration.metadata.name;
  const invocationId = request.invocationId;
  const source = { functionName: name, invocationId };
  const started = performance.now();
  appState.log({
    level: "information",
    category: "host",
    message: `Executing 'Functions.${name}' (Reason='${reason}', Id=${invocationId})`,
    ...source,
  });
  try {
    const programmingModel = appState.programmingModel;
    if (!programmingModel) {
      throw new FunctionsSystemError("No programming model is set: the app must register its functions through @azure/functions.");
    }
    const coreContext = new DevHostInvocationContext(invocationId, request, registration.metadata, appState);
    const invocationModel = await programmingModel.getInvocationModel(coreContext);
    const hookData: HookData = {};
    const { context, inputs } = await invocationModel.getArguments();
    coreContext.invocationContext = context;

    const preContext = preInvocationHookContext(appState, hookData, context, inputs, registration.callback);
    coreContext.state = "preInvocationHooks";
    try {
      await executeHooks(appState, "preInvocation", preContext, source);
    } finally {
      coreContext.state = undefined;
    }

    const postContext = postInvocationHookContext(appState, hookData, context, preContext.inputs);
    coreContext.state = "invocation";
    try {
      postContext.result = await invocationModel.invokeFunction(context, preContext.inputs, preContext.functionCallback);
    } catch (error) {
      postContext.error = error;
    } finally {
      coreContext.state = undefined;
    }

    coreContext.state = "postInvocationHooks";
    try {
      await executeHooks(appState, "postInvocation", postContext, source);
    } finally {
      coreContext.state = undefined;
    }
    // The worker: a hook may clear the error (or set one); null and undefined mean success.
    if (postContext.error !== null && postContext.error !== undefined) throw postContext.error;

    const response = await invocationModel.getResponse(context, postContext.result);
    const durationMs = Math.round(performance.now() - started);
    appState.log({
      level: "information",
      category: "host",
      message: `Executed 'Functions.${name}' (Succeeded, Id=${invocationId}, Duration=${durationMs}ms)`,
      ...source,
    });
    return { response, durationMs };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    appState.log({
      level: "error",
      category: "host",
      message: `Executed 'Functions.${name}' (Failed, Id=${invocationId}, Duration=${durationMs}ms)`,
      ...source,
    });
    appState.log({ level: "error", category: "host", message: `Function '${name}' failed: ${describeError(error)}`, ...source });
    throw error;
  }
}
