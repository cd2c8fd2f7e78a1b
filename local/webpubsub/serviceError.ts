// The data plane's error shape (spec 2024-12-01, every operation's `default` response): an `ErrorDetail`
// JSON body `{ code, message, target? }` and the same code in the `x-ms-error-code` header.
import type { ServerResponse } from "node:http";

export type ServiceErrorCode =
  | "Error.BadRequest"
  | "Error.Unauthorized"
  | "Error.Forbidden"
  | "Error.NotFound"
  | "Error.MethodNotAllowed"
  | "Error.PayloadTooLarge"
  | "Error.UnsupportedMediaType";

const codeByStatus: Readonly<Record<number, ServiceErrorCode>> = {
  400: "Error.BadRequest",
  401: "Error.Unauthorized",
  403: "Error.Forbidden",
  404: "Error.NotFound",
  405: "Error.MethodNotAllowed",
  413: "Error.PayloadTooLarge",
  415: "Error.UnsupportedMediaType",
};

/** A request the emulator refuses; thrown by route handlers, written by the router. */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  readonly code: ServiceErrorCode;
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415,
    message: string,
    readonly target?: string,
  ) {
    super(message);
    this.code = codeByStatus[status] ?? "Error.BadRequest";
  }
}

export function writeServiceError(response: ServerResponse, error: ServiceError, extraHeaders: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ code: error.code, message: error.message, ...(error.target ? { target: error.target } : {}) });
  response.writeHead(error.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-ms-error-code": error.code,
    ...extraHeaders,
  });
  response.end(body);
}
