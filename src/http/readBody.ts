// Reads a function's request body up to a limit without buffering more than the limit: a hostile client
// sending gigabytes gets a 413 after `limit` bytes, not an out-of-memory app.
import type { HttpRequest } from "@azure/functions";
import { declaredLength, readBounded, type BoundedRead } from "../shared/boundedBody.js";

/**
 * How deeply a JSON body may nest. JSON.parse copes with any depth, but JSON.stringify recurses and
 * overflows the stack at about 10,000 levels — and the SDKs serialise what the app sends on. 64 is
 * System.Text.Json's default MaxDepth (JsonSerializerOptions.MaxDepth, learn.microsoft.com), a bound .NET
 * services commonly apply; the app's own bodies need three levels.
 */
export const maxJsonDepth = 64;

export function readBodyWithLimit(request: HttpRequest, limitBytes: number): Promise<BoundedRead> {
  return readBounded(request.body, { limitBytes, declaredBytes: declaredLength(request.headers.get("content-length")) });
}

/** True when `value` nests objects or arrays more than `limit` levels deep; iterative, so any depth is safe to measure. */
function isNestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== "object") continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const child of Array.isArray(next.value) ? next.value : Object.values(next.value)) pending.push({ value: child, depth });
  }
  return false;
}

/** Parses a JSON body read with a limit; the error says what is wrong without echoing the input. */
export function parseJson(body: Buffer): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  if (body.length === 0) return { ok: false, message: "The request body is empty; send a JSON object." };
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8")) as unknown;
  } catch (error) {
    return {
      ok: false,
      message: `The request body is not valid JSON (${error instanceof SyntaxError ? error.message.slice(0, 120) : "parse error"}).`,
    };
  }
  if (isNestedDeeperThan(value, maxJsonDepth))
    return { ok: false, message: `The request body nests objects or arrays more than ${maxJsonDepth} levels deep.` };
  return { ok: true, value };
}
