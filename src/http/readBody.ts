// Reads a function's request body up to a limit without buffering more than the limit: a hostile client
// sending gigabytes gets a 413 after `limit` bytes, not an out-of-memory app.
import type { HttpRequest } from "@azure/functions";
import { declaredLength, readBounded, type BoundedRead } from "../shared/boundedBody.js";

export function readBodyWithLimit(request: HttpRequest, limitBytes: number): Promise<BoundedRead> {
  return readBounded(request.body, { limitBytes, declaredBytes: declaredLength(request.headers.get("content-length")) });
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
