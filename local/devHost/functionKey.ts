// The local function key: `function` and `admin` routes (and the admin API) need it, sent as the
// `x-functions-key` header or the `code` query parameter, the two places the Functions host reads a key
// from. The comparison takes the same time whatever the candidate (digests of both, timingSafeEqual).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function generateFunctionKey(): string {
  return randomBytes(32).toString("base64url");
}

export interface FunctionKeyCheck {
  /** True when the request carries the key in the header or the query. */
  isAuthorized(headerValue: string | string[] | undefined, query: URLSearchParams): boolean;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

export function createFunctionKeyCheck(functionKey: string): FunctionKeyCheck {
  if (functionKey.length < 16) throw new Error("The local function key must be at least 16 characters long.");
  const expected = digest(functionKey);
  const matches = (candidate: string | null | undefined): boolean =>
    typeof candidate === "string" && candidate.length > 0 && timingSafeEqual(digest(candidate), expected);
  return {
    isAuthorized(headerValue, query) {
      const header = Array.isArray(headerValue) ? headerValue[0] : headerValue;
      return matches(header) || matches(query.get("code"));
    },
  };
}
