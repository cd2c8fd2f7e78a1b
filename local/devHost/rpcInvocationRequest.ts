// Builds the RPC messages the Functions host sends the worker for an invocation (InvocationRequest in
// azure-functions-language-worker-protobuf), in the plain-object form the worker hands the library. The
// dev host announces the same capabilities as the Node.js worker, so the shapes follow them:
// RawHttpBodyBytes (the body as bytes), UseNullableValueDictionaryForHttp (nullableHeaders/Query/Params),
// IgnoreEmptyValuedRpcHttpHeaders (no empty headers), RpcHttpTriggerMetadataRemoved (no trigger metadata
// for HTTP). What the function then sees is the library's own conversion of these messages.
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { RpcHttpData, RpcInvocationRequest, RpcNullableString, RpcTraceContext, RpcTypedData } from "./functionsCoreTypes.js";

export interface HttpTriggerInput {
  readonly method: string;
  /** The absolute request URL, query included. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Route values of the matched template. */
  readonly params: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
}

function nullable(value: string): RpcNullableString {
  return { value };
}

export function toRpcHttpData(input: HttpTriggerInput): RpcTypedData {
  const nullableHeaders: Record<string, RpcNullableString> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    const joined = Array.isArray(value) ? value.join(", ") : value;
    if (joined === undefined || joined === "") continue;
    nullableHeaders[name] = nullable(joined);
  }
  // The host copies ASP.NET's query collection: repeated keys arrive joined with ",".
  const query = new URL(input.url).searchParams;
  const nullableQuery: Record<string, RpcNullableString> = {};
  for (const key of new Set(query.keys())) nullableQuery[key] = nullable(query.getAll(key).join(","));
  const nullableParams: Record<string, RpcNullableString> = {};
  for (const [name, value] of Object.entries(input.params)) nullableParams[name] = nullable(value);

  const http: RpcHttpData = {
    method: input.method,
    url: input.url,
    nullableHeaders,
    nullableQuery,
    nullableParams,
    ...(input.body && input.body.length > 0
      ? { body: { bytes: new Uint8Array(input.body.buffer, input.body.byteOffset, input.body.length) } }
      : {}),
  };
  return { http };
}

/**
 * W3C trace context for the invocation: the caller's trace continues when it sent a valid
 * `traceparent`, with a new span for the invocation; otherwise a new trace starts.
 */
export function invocationTraceContext(traceparent: string | undefined, functionName: string): RpcTraceContext {
  const incoming = traceparent && /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(traceparent.trim());
  const traceId = incoming && incoming[1] !== "0".repeat(32) ? incoming[1] : randomBytes(16).toString("hex");
  const flags = incoming ? incoming[2] : "01";
  return {
    traceParent: `00-${traceId}-${randomBytes(8).toString("hex")}-${flags}`,
    traceState: "",
    attributes: { OperationName: functionName },
  };
}

export function toRpcInvocationRequest(args: {
  readonly invocationId: string;
  readonly functionId: string;
  readonly triggerBindingName: string;
  readonly triggerData: RpcTypedData;
  readonly traceContext: RpcTraceContext;
}): RpcInvocationRequest {
  return {
    invocationId: args.invocationId,
    functionId: args.functionId,
    inputData: [{ name: args.triggerBindingName, data: args.triggerData }],
    triggerMetadata: {},
    traceContext: args.traceContext,
    retryContext: null,
  };
}
