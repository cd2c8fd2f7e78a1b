// The data plane's error shape (spec 2024-12-01, every operation's `default` response): an `ErrorDetail`
// JSON body `{ code, message, target? }` and the same code in the `x-ms-error-code` header — where the
// service's own words are known. No emulator invents them.
import type { ServerResponse } from "node:http";

/**
 * A request the emulator refuses; thrown by route handlers, written by the router. `reason` says why, for the
 * emulator's own tests and logs, and is not sent: for most refusals the service's words are not public, so the
 * answer is the status alone. Where they are (`answer`), they are sent as the service sends them.
 */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415,
    readonly reason: string,
    readonly answer?: { readonly code: string; readonly message: string },
  ) {
    super(reason);
  }
}

/**
 * 403 for a caller without the data action, in the service's words (github.com/microsoft/aspire/issues/8382:
 * `{"code":"Error.Forbidden","message":"Microsoft.SignalRService/WebPubSub/group/send/action permission is
 * required to access this API. Please check your role assignments."}`, ErrorCode from `x-ms-error-code`).
 */
export function forbidden(dataAction: string, reason: string): ServiceError {
  return new ServiceError(403, reason, {
    code: "Error.Forbidden",
    message: `${dataAction} permission is required to access this API. Please check your role assignments.`,
  });
}

export function writeServiceError(response: ServerResponse, error: ServiceError, extraHeaders: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (!error.answer) {
    response.writeHead(error.status, { "content-length": "0", ...extraHeaders });
    response.end();
    return;
  }
  const body = JSON.stringify({ code: error.answer.code, message: error.answer.message });
  response.writeHead(error.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-ms-error-code": error.answer.code,
    ...extraHeaders,
  });
  response.end(body);
}
