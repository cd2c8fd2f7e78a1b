// Query-string validation with zod: a bad value is a 400 naming the parameter and what is allowed.
//
// Parameters are read from `request.url`, never from `request.query`: the Functions host hands the worker
// its query collection with repeated values joined by commas, and @azure/functions builds `request.query`
// from that map (azure-functions-nodejs-library#168: `?foo=bar&foo=qux` arrives as `foo: "bar,qux"`). A
// repeat would pass as one value with a comma in it — `?userId=a&userId=b` minting a URL for user `a,b`.
// The URL as sent keeps every occurrence, so a repeat is refused here.
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { problem } from "./problem.js";

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: HttpResponseInit };

function invalid(detail: string): { readonly ok: false; readonly response: HttpResponseInit } {
  return { ok: false, response: problem(400, "Invalid query parameter", detail) };
}

export function parseQuery<T>(request: HttpRequest, schema: z.ZodType<T>): Parsed<T> {
  let parameters: URLSearchParams;
  try {
    parameters = new URL(request.url).searchParams;
  } catch {
    return invalid("The request URL cannot be parsed.");
  }
  const raw = new Map<string, string>();
  for (const [key, value] of parameters) {
    if (key === "code") continue; // the function key, consumed by the host
    if (raw.has(key)) return invalid(`The query parameter '${key.slice(0, 64)}' is given more than once.`);
    raw.set(key, value);
  }
  // fromEntries defines own properties, so even a parameter named __proto__ stays a plain value.
  const result = schema.safeParse(Object.fromEntries(raw));
  if (result.success) return { ok: true, value: result.data };
  const detail = result.error.issues
    .map((issue) => (issue.path.length > 0 ? `'${issue.path.join(".")}': ${issue.message}` : issue.message))
    .join("; ");
  return invalid(detail);
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
