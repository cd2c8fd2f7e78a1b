// RFC 9457 problem details: the one shape every error response of the app takes.
import type { HttpResponseInit } from "@azure/functions";

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

// A URN rather than a URL: the types identify problems, they are not pages to fetch.
const typeBase = "urn:identity-probe:problem:";

/** A problem+json response. `detail` is for a person and must never carry a token, key or stack. */
export function problem(status: number, title: string, detail: string, extensions: Record<string, unknown> = {}): HttpResponseInit {
  const body: ProblemDetails = {
    type: `${typeBase}${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
    title,
    status,
    detail,
    ...extensions,
  };
  return {
    status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store" },
    body: JSON.stringify(body),
  };
}
