// Writing ARM responses. The headers are those of a real ARM answer (terraform-provider-azurerm#20867, a 200 from
// management.azure.com): Cache-Control no-cache, Pragma no-cache, Expires -1, Strict-Transport-Security,
// X-Content-Type-Options nosniff, x-ms-request-id and x-ms-correlation-request-id — the client's correlation ID
// when it sent one (terraform-provider-azapi traces show ARM echoing it), else the request ID, as in every capture.
// Rate-limit budgets are not sent: the numbers would be made up.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isGuid } from "../../src/shared/guid.js";
import { refusalOf, type ArmError, type ArmRefusal } from "./armError.js";
import { mustCloseAfter } from "./armRequestBody.js";

export interface ArmRequestIds {
  readonly requestId: string;
  readonly correlationId: string;
}

export function requestIdsOf(request: IncomingMessage, requestId: string): ArmRequestIds {
  const sent = request.headers["x-ms-correlation-request-id"];
  return { requestId, correlationId: typeof sent === "string" && isGuid(sent) ? sent : requestId };
}

function commonHeaders(request: IncomingMessage, ids: ArmRequestIds): Record<string, string> {
  return {
    "cache-control": "no-cache",
    pragma: "no-cache",
    expires: "-1",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-ms-request-id": ids.requestId,
    "x-ms-correlation-request-id": ids.correlationId,
    // A body too large to drain is left unread: the connection closes so its rest is never taken for a request.
    ...(mustCloseAfter(request) ? { connection: "close" } : {}),
  };
}

/** 200/201 with a JSON body, or 204 with none. */
export function sendArmResult(request: IncomingMessage, response: ServerResponse, ids: ArmRequestIds, status: number, body: unknown): void {
  if (body === undefined) {
    response.writeHead(status, commonHeaders(request, ids));
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...commonHeaders(request, ids),
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** ARM's error envelope where the wording is ARM's, else the status alone; returns what the refusal log keeps. */
export function sendArmError(request: IncomingMessage, response: ServerResponse, ids: ArmRequestIds, error: ArmError): ArmRefusal {
  const refusal = refusalOf(error);
  if (response.headersSent) {
    response.destroy();
    return refusal;
  }
  const headers = { ...commonHeaders(request, ids), ...error.options.headers };
  if (!refusal.isSent) {
    response.writeHead(error.status, { ...headers, "content-length": "0" });
    response.end();
    return refusal;
  }
  const text = JSON.stringify({ error: { code: error.code, message: error.message } });
  response.writeHead(error.status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  response.end(text);
  return refusal;
}
