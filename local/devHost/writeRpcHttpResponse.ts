// Sends an RPC HTTP response (what the library's toRpcHttp produced) to the client, as the host does:
// status, headers, cookies as Set-Cookie (RFC 6265), body bytes. No response at all is 204 No Content —
// the documented default of an HTTP function in Functions 2.x and later.
import type { ServerResponse } from "node:http";
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from "./functionsCoreTypes.js";

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength);
  if (body.stream) return Buffer.from(body.stream.buffer, body.stream.byteOffset, body.stream.byteLength);
  if (typeof body.string === "string") return Buffer.from(body.string, "utf8");
  if (typeof body.json === "string") return Buffer.from(body.json, "utf8");
  if (typeof body.int === "number") return Buffer.from(String(body.int));
  if (typeof body.double === "number") return Buffer.from(String(body.double));
  return Buffer.alloc(0);
}

export function serializeCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ""}=${cookie.value ?? ""}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expires = cookie.expires?.value;
  if (expires && typeof expires.seconds === "number") {
    parts.push(`Expires=${new Date(expires.seconds * 1000 + Math.floor((expires.nanos ?? 0) / 1e6)).toUTCString()}`);
  }
  if (typeof cookie.maxAge?.value === "number") parts.push(`Max-Age=${Math.trunc(cookie.maxAge.value)}`);
  if (cookie.secure?.value) parts.push("Secure");
  if (cookie.httpOnly?.value) parts.push("HttpOnly");
  if (cookie.sameSite === "lax") parts.push("SameSite=Lax");
  else if (cookie.sameSite === "strict") parts.push("SameSite=Strict");
  else if (cookie.sameSite === "explicitNone") parts.push("SameSite=None");
  return parts.join("; ");
}

/** Throws (before anything is sent) when the app's response cannot be sent: a bad status or header. */
export function writeRpcHttpResponse(response: ServerResponse, http: RpcHttpData | null | undefined, method: string): void {
  if (!http) {
    response.writeHead(204).end();
    return;
  }
  const status = Number(http.statusCode ?? "200");
  if (!Number.isInteger(status) || status < 100 || status > 999)
    throw new Error(`The function answered with the invalid status "${http.statusCode}".`);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(http.headers ?? {})) headers[name.toLowerCase()] = value;
  const cookies = (http.cookies ?? []).map(serializeCookie);
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const hasNoBody = status === 204 || status === 304 || (status >= 100 && status < 200);
  const body = hasNoBody ? Buffer.alloc(0) : bodyBytes(http.body);
  if (!hasNoBody) headers["content-length"] = String(body.length);
  // writeHead validates names and values (no CR/LF) and throws before anything is written.
  response.writeHead(status, headers);
  response.end(method === "HEAD" ? undefined : body);
}
