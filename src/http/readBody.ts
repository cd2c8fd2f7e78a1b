// Reads a request body up to a limit without buffering more than the limit: a hostile client sending
// gigabytes gets a 413 after `limit` bytes, not an out-of-memory app.
import type { HttpRequest } from "@azure/functions";

export type BodyResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly reason: "too-large" };

export async function readBodyWithLimit(request: HttpRequest, limit: number): Promise<BodyResult> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) return { ok: false, reason: "too-large" };
  if (!request.body) return { ok: true, body: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: "too-large" };
    }
    chunks.push(value);
  }
  return { ok: true, body: Buffer.concat(chunks) };
}

/** Parses a JSON body read with a limit; the error says what is wrong without echoing the input. */
export function parseJson(body: Buffer): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  if (body.length === 0) return { ok: false, message: "The request body is empty; send a JSON object." };
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) as unknown };
  } catch (error) {
    return {
      ok: false,
      message: `The request body is not valid JSON (${error instanceof SyntaxError ? error.message.slice(0, 120) : "parse error"}).`,
    };
  }
}
