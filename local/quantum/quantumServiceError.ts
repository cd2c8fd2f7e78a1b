// The data plane's error shape (spec 2026-08-01-preview, every operation's `default` response):
// `Azure.Core.Foundations.ErrorResponse` = `{ "error": { code, message, target?, details? } }`, with the code
// repeated in the `x-ms-error-code` header — sent only where the service's own words are public. Everywhere
// else the emulator answers with the status alone: its code and message say why, are kept for its tests and
// log (QuantumEmulator.refusal), and are not sent, so that nothing in the app can come to depend on wording
// made up here.
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
    readonly options: {
      target?: string;
      details?: readonly ErrorDetail[];
      headers?: Readonly<Record<string, string>>;
      /** The code and message are the service's own, from a public source: they are sent. */
      isServiceWording?: boolean;
    } = {},
  ) {
    super(message);
  }
}

export function writeQuantumError(response: ServerResponse, error: QuantumServiceError, requestId: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const { target, details, headers, isServiceWording } = error.options;
  if (!isServiceWording) {
    response.writeHead(error.status, { "content-length": "0", "x-ms-request-id": requestId, ...headers });
    response.end();
    return;
  }
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

/** Why the emulator refused a request, kept by request ID; never sent unless it is the service's wording. */
export interface QuantumRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly target?: string;
  readonly details?: readonly ErrorDetail[];
  readonly isSent: boolean;
}

export function refusalOf(error: QuantumServiceError): QuantumRefusal {
  const { target, details, isServiceWording } = error.options;
  return {
    status: error.status,
    code: error.code,
    message: error.message,
    ...(target ? { target } : {}),
    ...(details ? { details } : {}),
    isSent: isServiceWording === true,
  };
}

/**
 * The service's refusal of a caller without the permission, in its words (learn "Troubleshoot Azure Quantum":
 * "Code: InsufficientPermissions / Message: There are not enough permissions to perform this operation.").
 */
export function insufficientPermissions(): QuantumServiceError {
  return new QuantumServiceError(403, "InsufficientPermissions", "There are not enough permissions to perform this operation.", {
    isServiceWording: true,
  });
}

/**
 * The service's refusal of a job for a provider or target the workspace does not offer, in its words: code
 * InvalidJobDefinition (learn "Troubleshoot Azure Quantum", the deprecated-optimization-targets entry) and one of
 * the two messages of the support article "A Provider or Target is not enabled in your Workspace"
 * (articleId quantum-providernotenabled). No capture shows the status; 400 is the Azure REST guidelines' status
 * for a request the service refuses as invalid.
 */
export function notEnabledForWorkspace(what: "provider" | "target"): QuantumServiceError {
  return new QuantumServiceError(400, "InvalidJobDefinition", `The ${what} specified does not exist or is not enabled for the workspace.`, {
    target: what === "provider" ? "providerId" : "target",
    isServiceWording: true,
  });
}
