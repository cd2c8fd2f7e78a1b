// The dev host's HTTP server: HTTP functions under the route prefix, and the admin API under /admin
// (Core Tools' shape: list functions, run a non-HTTP function now). Every error it answers itself is
// problem+json without a stack; the key is checked before the body is read.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { z } from "zod";
import type { FunctionKeyCheck } from "./functionKey.js";
import type { IndexedFunction, RegisteredFunctionInfo } from "./functionIndex.js";
import { invokeFunction } from "./invokeFunction.js";
import { declaredLength, readBounded } from "../../src/shared/boundedBody.js";
import { requestUrl } from "./requestUrl.js";
import type { RouteTable } from "./routeTable.js";
import { invocationTraceContext, toRpcHttpData, toRpcInvocationRequest } from "./rpcInvocationRequest.js";
import { sendJson, sendProblem, sendProblemOnSocket } from "./sendProblem.js";
import { connectRefusal, refusalFor, type ClientErrorLike } from "./transportRefusal.js";
import type { WorkerAppState } from "./workerAppState.js";
import { writeRpcHttpResponse } from "./writeRpcHttpResponse.js";
import { devHostHostVersion, devHostWorkerVersion } from "./functionsCoreApi.js";
import type { RpcHttpData, RpcTypedData } from "./functionsCoreTypes.js";

export interface DevHostServerOptions {
  readonly appState: WorkerAppState;
  readonly functions: readonly IndexedFunction[];
  readonly routeTable: RouteTable;
  readonly keyCheck: FunctionKeyCheck;
  readonly maxRequestBodyBytes: number;
  /** host:port used in request URLs when the client sent no usable Host header. */
  readonly fallbackHost: () => string;
  readonly listFunctions: () => RegisteredFunctionInfo[];
  /** Starts a non-HTTP function now (admin API), without waiting for it. */
  readonly runNonHttpFunction: (target: IndexedFunction, input: string) => void;
  /** Keeps track of an invocation so that shutdown can wait for it. */
  readonly track: <T>(invocation: Promise<T>) => Promise<T>;
}

// Core Tools' admin "run now" body: { "input": "<string>" }.
const adminInvokeBodySchema = z.object({ input: z.string().max(1_048_576).optional() }).strict();

/**
 * How much of an oversized body the host reads (and drops) before it answers 413. A client that writes its
 * whole body before reading — Node's http client does — sees a reset instead of the 413 when the server
 * closes while the body is still arriving; read to the end, the answer is always delivered. Beyond the
 * cap the host stops reading and closes.
 */
const drainCapBytes = 64 * 1024 * 1024;

/** Node's documented default of server.maxHeadersCount, set explicitly so the check below can rely on it. */
const maxHeaderFields = 2_000;

function truncate(text: string, length = 200): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

/**
 * A request body within `limitBytes`. An oversized one is drained up to the cap, so that the 413 reaches a
 * client that is still writing; the connection then stays usable. One larger than the cap (or declared
 * so) is left unread: the host answers, keeps reading what arrives until the socket closes, and closes.
 */
async function readRequestBody(
  request: IncomingMessage,
  limitBytes: number,
): Promise<{ readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly headers: Record<string, string> }> {
  const body = await readBounded(request, {
    limitBytes,
    declaredBytes: declaredLength(request.headers["content-length"]),
    drainUpToBytes: drainCapBytes,
    leaveOpenWhenTooLarge: true,
  });
  if (body.ok) return body;
  if (body.drained) return { ok: false, headers: {} };
  request.resume();
  return { ok: false, headers: { connection: "close" } };
}

export function createDevHostServer(options: DevHostServerOptions): Server {
  async function handleAdmin(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? "GET";
    // The admin API needs the admin key; locally that is the same key as for functions.
    if (!options.keyCheck.isAuthorized(request.headers["x-functions-key"], url.searchParams)) {
      request.resume();
      sendProblem(
        response,
        401,
        "Unauthorized",
        "The admin API needs the local function key, in the x-functions-key header or the code query parameter.",
      );
      return;
    }
    const path = url.pathname.replace(/\/+$/, "");
    if (path.toLowerCase() === "/admin/host/status") {
      if (method !== "GET") return sendProblem(response, 405, "Method Not Allowed", "Use GET.", { allow: "GET" });
      return sendJson(response, 200, {
        state: "Running",
        version: devHostHostVersion,
        workerVersion: devHostWorkerVersion,
        processUptime: Math.round(process.uptime() * 1000),
      });
    }
    if (path.toLowerCase() === "/admin/functions") {
      if (method !== "GET") return sendProblem(response, 405, "Method Not Allowed", "Use GET.", { allow: "GET" });
      return sendJson(response, 200, options.listFunctions());
    }
    const match = /^\/admin\/functions\/([^/]+)$/i.exec(path);
    if (!match)
      return sendProblem(response, 404, "Not Found", "The admin API has /admin/functions, /admin/functions/{name} and /admin/host/status.");
    let name: string;
    try {
      name = decodeURIComponent(match[1] ?? "");
    } catch {
      return sendProblem(response, 400, "Bad Request", "The function name is not valid percent-encoded UTF-8.");
    }
    const target = options.functions.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (!target) {
      request.resume();
      return sendProblem(response, 404, "Not Found", `No function is named "${truncate(name, 128)}".`);
    }
    if (method === "GET")
      return sendJson(
        response,
        200,
        options.listFunctions().find((info) => info.name === target.name),
      );
    if (method !== "POST")
      return sendProblem(response, 405, "Method Not Allowed", "Use GET to describe a function or POST to run it.", { allow: "GET, POST" });
    if (target.http) {
      request.resume();
      return sendProblem(response, 400, "Bad Request", `"${target.name}" is an HTTP function: call its route instead.`);
    }
    const body = await readRequestBody(request, 1_100_000);
    if (!body.ok) return sendProblem(response, 413, "Payload Too Large", "The admin request body is limited to about 1 MiB.", body.headers);
    let input = "";
    if (body.bytes.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.bytes.toString("utf8"));
      } catch {
        return sendProblem(response, 400, "Bad Request", 'The body must be JSON: { "input": "<string>" }.');
      }
      const result = adminInvokeBodySchema.safeParse(parsed);
      if (!result.success) return sendProblem(response, 400, "Bad Request", 'The body must be { "input": "<string>" }.');
      input = result.data.input ?? "";
    }
    // Core Tools answers 202 Accepted and runs the function in the background.
    options.runNonHttpFunction(target, input);
    response.writeHead(202, { "content-length": "0" }).end();
  }

  async function handleFunction(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = (request.method ?? "GET").toUpperCase();
    const match = options.routeTable.match(method, url.pathname);
    if (match.kind !== "function") request.resume();
    if (match.kind === "bad-path") return sendProblem(response, 400, "Bad Request", "The request path is not valid percent-encoded UTF-8.");
    if (match.kind === "not-found")
      return sendProblem(response, 404, "Not Found", `No function matches ${method} ${truncate(url.pathname)}.`);
    if (match.kind === "method-not-allowed") {
      const allow = match.allow.join(", ");
      return sendProblem(response, 405, "Method Not Allowed", `${truncate(url.pathname)} accepts ${allow}.`, { allow });
    }
    const { target, params } = match;
    const http = target.http!;
    if (http.authLevel !== "anonymous" && !options.keyCheck.isAuthorized(request.headers["x-functions-key"], url.searchParams)) {
      request.resume();
      return sendProblem(
        response,
        401,
        "Unauthorized",
        `This function's auth level is "${http.authLevel}": send the function key in the x-functions-key header or the code query parameter.`,
      );
    }
    const body = await readRequestBody(request, options.maxRequestBodyBytes);
    if (!body.ok)
      return sendProblem(
        response,
        413,
        "Payload Too Large",
        `The request body is larger than the host's limit of ${options.maxRequestBodyBytes} bytes.`,
        body.headers,
      );

    const invocationId = randomUUID();
    const traceparent = request.headers.traceparent;
    const triggerData: RpcTypedData = toRpcHttpData({ method, url: url.href, headers: request.headers, params, body: body.bytes });
    const invocation = toRpcInvocationRequest({
      invocationId,
      functionId: target.registration.functionId,
      triggerBindingName: target.triggerBindingName,
      triggerData,
      traceContext: invocationTraceContext(typeof traceparent === "string" ? traceparent : undefined, target.name),
    });
    let outcome;
    try {
      outcome = await options.track(
        invokeFunction(
          options.appState,
          target.registration,
          { ...invocation, invocationId },
          "This function was programmatically called via the host APIs.",
        ),
      );
    } catch {
      // Already logged with its stack; the client gets no detail (the host answers 500 the same way).
      return sendProblem(
        response,
        500,
        "Internal Server Error",
        `The function "${target.name}" failed (invocation ${invocationId}); see the host log.`,
      );
    }
    const httpOutput = findHttpOutput(target, outcome.response);
    try {
      writeRpcHttpResponse(response, httpOutput, method);
    } catch (error) {
      options.appState.log({
        level: "error",
        category: "host",
        message: `The response of '${target.name}' could not be sent: ${(error as Error).message}`,
        functionName: target.name,
        invocationId,
      });
      sendProblem(
        response,
        500,
        "Internal Server Error",
        `The function "${target.name}" returned a response that cannot be sent; see the host log.`,
      );
    }
  }

  // Sockets with a response under way: a parse error on them cannot be answered without corrupting it.
  const answering = new WeakSet<object>();
  const server = createServer((request, response) => {
    const socket = request.socket;
    answering.add(socket);
    response.once("close", () => answering.delete(socket));
    // Node keeps the first maxHeadersCount (2000) header fields and drops the rest without a word: a
    // request that reached the limit may have lost some, so it is refused rather than served partly.
    if (request.rawHeaders.length / 2 >= maxHeaderFields) {
      request.resume();
      sendProblem(
        response,
        431,
        "Request Header Fields Too Large",
        `The request has ${maxHeaderFields} or more header fields; the host reads at most ${maxHeaderFields}.`,
        { connection: "close" },
      );
      return;
    }
    const url = requestUrl(request.url, request.headers.host, options.fallbackHost());
    if (!url) {
      request.resume();
      sendProblem(response, 400, "Bad Request", "The request target must be a path.");
      return;
    }
    const handled = /^\/admin(\/|$)/i.test(url.pathname) ? handleAdmin(request, response, url) : handleFunction(request, response, url);
    handled.catch((error: unknown) => {
      options.appState.log({
        level: "error",
        category: "host",
        message: `Request handling failed: ${(error as Error)?.message ?? String(error)}`,
      });
      if (!response.writableEnded)
        sendProblem(response, 500, "Internal Server Error", "The dev host failed to handle the request; see its log.");
    });
  });
  // Node calls clientError once per packet it cannot parse: the first call answers, the rest find the
  // socket answered (or no longer writable) and leave it to close.
  const refused = new WeakSet<object>();
  server.on("clientError", (error: Error & ClientErrorLike, socket) => {
    if (refused.has(socket)) return;
    refused.add(socket);
    const refusal = refusalFor(error);
    if (!refusal || answering.has(socket)) {
      socket.destroy();
      return;
    }
    sendProblemOnSocket(socket, refusal.status, refusal.title, refusal.detail);
  });
  server.on("connect", (_request: IncomingMessage, socket: Duplex) => {
    sendProblemOnSocket(socket, connectRefusal.status, connectRefusal.title, connectRefusal.detail);
  });
  server.maxHeadersCount = maxHeaderFields;
  // An idle keep-alive connection must not hold up close().
  server.keepAliveTimeout = 5_000;
  return server;
}

/** The HTTP output the function produced: the `$return` value, or a named http output binding. */
function findHttpOutput(
  target: IndexedFunction,
  response: { returnValue?: RpcTypedData | null; outputData?: { name?: string | null; data?: RpcTypedData | null }[] | null },
): RpcHttpData | undefined {
  if (response.returnValue?.http) return response.returnValue.http;
  const bindings = target.registration.metadata.bindings;
  for (const output of response.outputData ?? []) {
    const binding = output.name ? bindings[output.name] : undefined;
    if (binding?.type?.toLowerCase() === "http" && output.data?.http) return output.data.http;
  }
  return undefined;
}
