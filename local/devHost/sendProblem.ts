// Errors the dev host answers itself (404, 405, 401, 413, 500, and the refusals Node's HTTP parser makes
// before there is a request) as RFC 9457 problem details, the shape the app uses too. The detail is for a
// person: never a stack, a key or a header value.
import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

const typeBase = "urn:identity-probe:problem:";

/** How long a socket answered with `sendProblemOnSocket` may stay open while the client finishes sending. */
const lingerMs = 2_000;

function problemBody(status: number, title: string, detail: string): string {
  return JSON.stringify({ type: `${typeBase}${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, title, status, detail });
}

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
  const body = problemBody(status, title, detail);
  response.writeHead(status, {
    ...headers,
    "content-type": "application/problem+json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

/**
 * A problem written straight to a socket, for the moments Node gives the server a socket and no response
 * object (`clientError`, `connect`): an HTTP/1.1 message by hand, then the connection closes. The socket
 * stays readable for a moment so that a client still sending reads the answer instead of a reset.
 */
export function sendProblemOnSocket(socket: Duplex, status: number, title: string, detail: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = problemBody(status, title, detail);
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? title}`,
      "content-type: application/problem+json",
      "cache-control: no-store",
      `content-length: ${Buffer.byteLength(body)}`,
      "connection: close",
      "",
      body,
    ].join("\r\n"),
  );
  socket.resume();
  setTimeout(() => socket.destroy(), lingerMs).unref();
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
