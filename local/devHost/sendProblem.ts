// Errors the dev host answers itself (404, 405, 401, 413, 500) as RFC 9457 problem details, the shape the
// app uses too. The detail is for a person: never a stack, a key or a header value.
import type { ServerResponse } from "node:http";

const typeBase = "urn:identity-probe:problem:";

export function sendProblem(
  response: ServerResponse,
  status: number,
  title: string,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ type: `${typeBase}${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, title, status, detail });
  response.writeHead(status, {
    ...headers,
    "content-type": "application/problem+json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}
