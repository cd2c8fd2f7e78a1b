// A raw call to the managed identity endpoint, bypassing the SDK's token cache: cached tokens live up to
// 24 hours and would hide an endpoint outage. The same request msal-node sends for the host's source
// (managedIdentityHost.ts). The header and secret are secrets: sent, never logged or echoed, and the
// response's token is read for its expiry only.
//
// Plain HTTP through node:http, as the protocols are (App Service's endpoint is on the instance's loopback,
// IMDS is link-local, Azure ML's and Cloud Shell's are on localhost), straight to the endpoint and never through
// a proxy (IMDS refuses forwarded requests). node:http also lets the check give the connection its own,
// shorter deadline than the answer.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { readBounded } from "../shared/boundedBody.js";
import { startDeadline } from "../shared/deadline.js";
import type { IdentityEndpointGate } from "./identityEndpointGate.js";
import type { IdentityEndpointTarget } from "./managedIdentityHost.js";
import { rejectToken } from "./tokenCheck.js";
import { parseRetryAfter } from "./tokenRequestContext.js";

export interface IdentityEndpointCheckResult {
  readonly status: number;
  readonly expiresOn: Date;
}

/** The raw check's place in the report: `identity:endpoint`. */
export const identityEndpointComponent = { component: "identity", displayName: "Identity endpoint" } as const;

/**
 * How long plain IMDS (169.254.169.254) may take to accept the connection. @azure/identity's IMDS probe gives
 * the whole request 1 s (imdsMsi.js `request.timeout = … || 1000`) and takes no answer as "not available".
 */
export const imdsConnectDeadlineMs = 1_000;

/** The largest answer read: a token response is a few KB. */
const maxAnswerBytes = 64 * 1024;

/** The endpoint without query or credentials: safe to show as the check's componentId. */
export function describeIdentityEndpoint(target: IdentityEndpointTarget): string {
  try {
    const url = new URL(target.url);
    return `${url.origin}${url.pathname}`;
  } catch {
    return target.protocol;
  }
}

/** No connection within the connect deadline: nothing listens at the address (no IMDS here), or it is filtered. */
export class IdentityEndpointConnectTimeoutError extends Error {
  override readonly name = "IdentityEndpointConnectTimeoutError";
  readonly code = "IdentityEndpointConnectTimeout";
  constructor(address: string, deadlineMs: number) {
    super(`Nothing accepted a connection at ${address} within ${deadlineMs} ms.`);
  }
}

interface CallOptions {
  readonly resource: string;
  readonly clientId: string | undefined;
  readonly abortSignal: AbortSignal;
  readonly timeoutMs: number;
  /** The process's identity-endpoint gate: the raw call waits for its turn like every token request. */
  readonly gate?: IdentityEndpointGate;
  /** Called when the gate lets the request go. */
  readonly onStart?: () => void;
}

/** The request msal-node sends for the target's protocol, with the client ID where the protocol takes one. */
function requestFor(target: IdentityEndpointTarget, resource: string, clientId: string | undefined) {
  const url = new URL(target.url);
  const headers: Record<string, string> = {};
  let body: string | undefined;
  switch (target.protocol) {
    case "AppService":
      url.searchParams.set("api-version", "2019-08-01");
      url.searchParams.set("resource", resource);
      if (clientId) url.searchParams.set("client_id", clientId);
      headers["X-IDENTITY-HEADER"] = target.header;
      break;
    case "IMDS":
      url.searchParams.set("api-version", "2018-02-01");
      url.searchParams.set("resource", resource);
      if (clientId) url.searchParams.set("client_id", clientId);
      headers.Metadata = "true";
      break;
    case "MachineLearning": {
      url.searchParams.set("api-version", "2017-09-01");
      url.searchParams.set("resource", resource);
      const id = clientId ?? target.defaultClientId;
      if (id) url.searchParams.set("clientid", id);
      headers.Metadata = "true";
      headers.secret = target.secret;
      break;
    }
    case "CloudShell":
      body = new URLSearchParams({ resource }).toString();
      headers.Metadata = "true";
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = String(Buffer.byteLength(body));
      break;
  }
  return { url, method: body === undefined ? "GET" : "POST", headers, body };
}

/** Sends the request; the connection gets `connectDeadlineMs`, the whole exchange the abort signal. */
function exchange(
  shape: ReturnType<typeof requestFor>,
  signal: AbortSignal,
  connectDeadlineMs: number | undefined,
): Promise<{ readonly response: IncomingMessage; readonly body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(shape.url, { method: shape.method, headers: shape.headers, signal, agent: false });
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    if (connectDeadlineMs !== undefined) {
      connectTimer = setTimeout(
        () => request.destroy(new IdentityEndpointConnectTimeoutError(shape.url.host, connectDeadlineMs)),
        connectDeadlineMs,
      );
      request.once("socket", (socket) => socket.once("connect", () => clearTimeout(connectTimer)));
    }
    request.once("error", (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    request.once("response", (response) => {
      clearTimeout(connectTimer);
      readBounded(response, { limitBytes: maxAnswerBytes, abortSignal: signal }).then(
        (read) => resolve({ response, body: read.ok ? read.bytes : Buffer.alloc(0) }),
        reject,
      );
    });
    request.end(shape.body);
  });
}

/** expires_on as epoch seconds: a number (Azure ML, Service Fabric), a numeric string (App Service, IMDS) or a date. */
function expiresOnSeconds(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? Math.floor(parsed / 1000) : undefined;
}

export async function callIdentityEndpoint(target: IdentityEndpointTarget, options: CallOptions): Promise<IdentityEndpointCheckResult> {
  const shape = requestFor(target, options.resource, options.clientId);
  const connectDeadlineMs =
    target.protocol === "IMDS" && target.isLinkLocal ? Math.min(imdsConnectDeadlineMs, options.timeoutMs) : undefined;
  const send = async (): Promise<{ readonly response: IncomingMessage; readonly body: Buffer }> => {
    const deadline = startDeadline(options.timeoutMs, options.abortSignal);
    try {
      return await exchange(shape, deadline.signal, connectDeadlineMs);
    } finally {
      deadline.dispose();
    }
  };
  const { response, body: bytes } = options.gate
    ? await options.gate.run(send, { abortSignal: options.abortSignal, ...(options.onStart ? { onStart: options.onStart } : {}) })
    : await send();
  const status = response.statusCode ?? 0;
  const text = bytes.toString("utf8");
  const contentType = response.headers["content-type"];
  const retryAfter = parseRetryAfter(response.headers["retry-after"]);
  const fault = (message: string, code: string | undefined): IdentityEndpointError =>
    new IdentityEndpointError(message, {
      status,
      ...(code ? { code } : {}),
      ...(contentType ? { contentType } : {}),
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (status !== 200) {
    // App Service: { statusCode, message }; IMDS: { error, error_description }; Azure ML: plain text; anything else: its text.
    const said =
      [body?.message, body?.error_description, typeof body?.error === "string" ? body.error : undefined].find(
        (value): value is string => typeof value === "string",
      ) ?? text.slice(0, 300);
    throw fault(
      `The managed identity endpoint answered ${status}${said ? `: ${said.slice(0, 300)}` : " with no body"}`,
      typeof body?.error === "string" ? body.error : undefined,
    );
  }
  const token = body?.access_token;
  const expiresOn = expiresOnSeconds(body?.expires_on);
  if (typeof token !== "string" || expiresOn === undefined) {
    throw fault(
      `The managed identity endpoint answered 200 with something that is not a token response (${contentType ?? "no content type"}).`,
      undefined,
    );
  }
  const rejection = rejectToken({ token, expiresOnTimestamp: expiresOn * 1000 }, options.resource, Date.now());
  if (rejection) throw rejection;
  return { status, expiresOn: new Date(expiresOn * 1000) };
}

/** What the identity endpoint answered instead of a token: its status, its words, and what kind of body. */
export class IdentityEndpointError extends Error {
  override readonly name = "IdentityEndpointError";
  readonly status: number;
  readonly code: string | undefined;
  readonly contentType: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, details: { status: number; code?: string; contentType?: string; retryAfterSeconds?: number }) {
    super(message);
    this.status = details.status;
    this.code = details.code;
    this.contentType = details.contentType;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}
