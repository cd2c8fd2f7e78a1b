// The data plane's error shape (spec 2026-08-01-preview, every operation's `default` response):
// `Azure.Core.Foundations.ErrorResponse` = `{ "error": { code, message, target?, details? } }`, with the code
// repeated in the `x-ms-error-code` header. Codes are the service's where they are documented
// (InvalidJobDefinition, InsufficientPermissions: learn.microsoft.com "Troubleshoot Azure Quantum") and the
// Azure-wide ones otherwise (MissingApiVersionParameter, UnsupportedApiVersion).
import type { ServerResponse } from "node:http";

export interface ErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

export type QuantumErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 500 | 503;

/** A refused request; thrown by route handlers and written by the router. */
export class QuantumServiceError extends Error {
  override readonly name = "QuantumServiceError";
  constructor(
    readonly status: QuantumErrorStatus,
    readonly code: string,
    message: string,
    readonly options: { target?: string; details?: readonly ErrorDetail[]; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(message);
  }
}

export function writeQuantumError(response: ServerResponse, error: QuantumServiceError, requestId: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const { target, details, headers } = error.options;
  const body = JSON.stringify({
    error: {
      code: error.code,
      message: error.message,
      ...(target ? { target } : {}),
      ...(details && details.length > 0 ? { details } : {}),
    },
  });
  response.writeHead(error.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-ms-error-code": error.code,
    "x-ms-request-id": requestId,
    ...headers,
  });
  response.end(body);
}
