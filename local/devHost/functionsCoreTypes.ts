// The shapes of the `@azure/functions-core` module as `@azure/functions` 4.x uses them (declared in
// types-core/index.d.ts of Azure/azure-functions-nodejs-library). There is no npm package for this module:
// the Node.js worker provides it at run time, and so does the dev host. The RPC types are the worker's
// protobuf messages in their "core" (plain object, string enum) form.

export type RpcLogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";
export type RpcLogCategory = "user" | "system" | "customMetric";

export interface RpcNullableString {
  value?: string | null;
}

export interface RpcTimestamp {
  seconds?: number | null;
  nanos?: number | null;
}

export interface RpcHttpCookie {
  name?: string | null;
  value?: string | null;
  domain?: RpcNullableString | null;
  path?: RpcNullableString | null;
  expires?: { value?: RpcTimestamp | null } | null;
  secure?: { value?: boolean | null } | null;
  httpOnly?: { value?: boolean | null } | null;
  sameSite?: "none" | "lax" | "strict" | "explicitNone" | null;
  maxAge?: { value?: number | null } | null;
}

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  statusCode?: string | null;
  query?: Record<string, string> | null;
  enableContentNegotiation?: boolean | null;
  rawBody?: RpcTypedData | null;
  cookies?: RpcHttpCookie[] | null;
  nullableHeaders?: Record<string, RpcNullableString> | null;
  nullableParams?: Record<string, RpcNullableString> | null;
  nullableQuery?: Record<string, RpcNullableString> | null;
}

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
}

/** A binding as registered: the library spreads the trigger's options (route, methods, schedule…) into it. */
export interface RpcBindingInfo {
  type?: string | null;
  direction?: "in" | "out" | "inout" | null;
  dataType?: "undefined" | "string" | "binary" | "stream" | null;
  readonly [property: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export interface RpcFunctionMetadata {
  name?: string | null;
  functionId?: string | null;
  directory?: string | null;
  scriptFile?: string | null;
  bindings?: Record<string, RpcBindingInfo> | null;
  rawBindings?: string[] | null;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RpcParameterBinding {
  name?: string | null;
  data?: RpcTypedData | null;
}

export interface RpcTraceContext {
  traceParent?: string | null;
  traceState?: string | null;
  attributes?: Record<string, string> | null;
}

export interface RpcRetryContext {
  retryCount?: number | null;
  maxRetryCount?: number | null;
}

export interface RpcInvocationRequest {
  invocationId?: string | null;
  functionId?: string | null;
  inputData?: RpcParameterBinding[] | null;
  triggerMetadata?: Record<string, RpcTypedData> | null;
  traceContext?: RpcTraceContext | null;
  retryContext?: RpcRetryContext | null;
}

export interface RpcInvocationResponse {
  invocationId?: string | null;
  outputData?: RpcParameterBinding[] | null;
  returnValue?: RpcTypedData | null;
}

export type InvocationState = "preInvocationHooks" | "postInvocationHooks" | "invocation";

export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: RpcFunctionMetadata;
  state?: InvocationState;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export interface InvocationArguments {
  context: unknown;
  inputs: unknown[];
}

export interface InvocationModel {
  getArguments(): Promise<InvocationArguments>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export type WorkerCapabilities = Record<string, string>;

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel | Promise<InvocationModel>;
  getCapabilities?(defaultCapabilities: WorkerCapabilities): WorkerCapabilities | Promise<WorkerCapabilities>;
}

export type HookData = Record<string, unknown>;

export interface HookContext {
  readonly hookData: HookData;
  readonly appHookData: HookData;
}

export type HookCallback = (context: HookContext) => unknown;

export type HookName = "preInvocation" | "postInvocation" | "appStart" | "appTerminate" | "log";

export interface DisposableLike {
  dispose(): unknown;
}
