// Query-string validation with zod: a bad value is a 400 naming the parameter and what is allowed.
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { problem } from "./problem.js";

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: HttpResponseInit };

export function parseQuery<T>(request: HttpRequest, schema: z.ZodType<T>): Parsed<T> {
  const raw: Record<string, string> = {};
  for (const [key, value] of request.query.entries()) {
    if (key === "code") continue; // the function key, consumed by the host
    if (key in raw)
      return {
        ok: false,
        response: problem(400, "Invalid query parameter", `The query parameter '${key.slice(0, 64)}' is given more than once.`),
      };
    raw[key] = value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const detail = result.error.issues
    .map((issue) => (issue.path.length > 0 ? `'${issue.path.join(".")}': ${issue.message}` : issue.message))
    .join("; ");
  return { ok: false, response: problem(400, "Invalid query parameter", detail) };
}

/** A page size: a whole number from 1 to `max`, `fallback` when absent. */
export function pageSizeParameter(name: string, max: number, fallback: number): z.ZodType<number> {
  return z.coerce
    .number(`${name} must be a number`)
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);
}
