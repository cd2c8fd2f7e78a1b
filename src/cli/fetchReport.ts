// `identity-probe check`: reads a deployed app's health report over HTTPS. The function key goes in the
// `x-functions-key` header (Azure Functions' key header; the `code` query parameter works too but ends up
// in logs) and never into a message: the key is redacted from anything the server says before it is
// shown, and the URL is shown without its query. The deadline covers connecting, the answer and the body.
import { cliVersion } from "./cliVersion.js";
import { readBounded } from "../shared/boundedBody.js";
import { parseReceivedReport, type ReceivedReport } from "../shared/receivedReport.js";

export interface FetchReportOptions {
  readonly url: URL;
  readonly key: string | undefined;
  readonly timeoutMs: number;
  readonly abortSignal?: AbortSignal;
}

export type FetchedReport =
  { readonly ok: true; readonly report: ReceivedReport; readonly httpStatus: number } | { readonly ok: false; readonly reason: string };

/** A report is a few kilobytes per identity; anything far larger is not one. */
const maxBodyBytes = 4 * 1024 * 1024;

/** The URL as it may be shown: no query (it can hold `code=<function key>`), no fragment. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}${url.search ? "?…" : ""}`;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

const connectionReasons: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "the connection closed early",
  UND_ERR_CONNECT_TIMEOUT: "connecting timed out",
};

/** fetch (undici) rejects with TypeError("fetch failed") and the socket or TLS error as its cause. */
function describeRequestError(error: unknown, url: URL, timeoutMs: number): string {
  const where = displayUrl(url);
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError") return `no answer from ${where} within ${timeoutMs} ms`;
  if (name === "AbortError") return `the request to ${where} was cancelled`;
  const cause = error instanceof Error ? error.cause : undefined;
  const code = errorCode(cause) ?? errorCode(error);
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return `cannot reach ${where}: TLS failed (${code}); a private CA is trusted through NODE_EXTRA_CA_CERTS`;
  }
  if (code) return `cannot reach ${where}: ${connectionReasons[code] ?? "request failed"} (${code})`;
  const causeMessage = cause instanceof Error ? cause.message : undefined;
  return `cannot reach ${where}: ${causeMessage ?? (error instanceof Error ? error.message : "request failed")}`.slice(0, 300);
}

async function readBody(response: Response, abortSignal: AbortSignal): Promise<{ text: string } | { tooLarge: true }> {
  if (!response.body) return { text: "" };
  const read = await readBounded(response.body, { limitBytes: maxBodyBytes, abortSignal });
  return read.ok ? { text: read.bytes.toString("utf8") } : { tooLarge: true };
}

/** What a non-report answer said, for the one-line reason: a problem+json title/detail, bounded. */
function describeAnswer(text: string, redactions: readonly string[]): string {
  let said: string | undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === "object" && body !== null) {
      const { title, detail } = body as { title?: unknown; detail?: unknown };
      said = [title, detail].filter((part): part is string => typeof part === "string" && part.length > 0).join(": ") || undefined;
    }
  } catch {
    said = undefined;
  }
  if (!said) return "";
  let clean = said.replace(/[\p{Cc}\p{Cf}]+/gu, " ");
  for (const secret of redactions) clean = clean.split(secret).join("[redacted]");
  return ` (${clean.length > 200 ? `${clean.slice(0, 200)}…` : clean})`;
}

export async function fetchReport(options: FetchReportOptions): Promise<FetchedReport> {
  const { url, key, timeoutMs } = options;
  const where = displayUrl(url);
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, deadline]) : deadline;
  // Anything the server sends back is shown only with the key (and a `code` query value) removed.
  const redactions = [key, url.searchParams.get("code") ?? undefined].filter((value): value is string => !!value && value.length >= 4);

  let response: Response;
  let body: { text: string } | { tooLarge: true };
  try {
    response = await fetch(url, {
      method: "GET",
      headers: {
        accept: "application/health+json, application/json;q=0.9",
        "user-agent": `identity-probe/${cliVersion}`,
        ...(key !== undefined ? { "x-functions-key": key } : {}),
      },
      // Redirects are not followed: fetch would carry x-functions-key to wherever Location points.
      redirect: "manual",
      signal,
    });
    body = await readBody(response, signal);
  } catch (error) {
    return { ok: false, reason: describeRequestError(error, url, timeoutMs) };
  }

  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get("location");
    let target = "another URL";
    try {
      if (location) target = displayUrl(new URL(location, url));
    } catch {
      target = "an invalid URL";
    }
    return { ok: false, reason: `${where} answered ${response.status}, a redirect to ${target}: pass the final URL with --url` };
  }
  if ("tooLarge" in body) return { ok: false, reason: `${where} answered with more than ${maxBodyBytes} bytes: not a health report` };

  // health+json: 200 for pass and warn, 503 for fail (DESIGN §3.1). Anything else is not a verdict.
  if (response.status !== 200 && response.status !== 503) {
    const hint =
      response.status === 401
        ? key === undefined
          ? ": this route needs a function key (--key)"
          : ": the function key was not accepted"
        : response.status === 404
          ? ": no such route (expected …/api/health/identity/details or …/api/health/identity)"
          : "";
    return { ok: false, reason: `${where} answered ${response.status}${describeAnswer(body.text, redactions)}${hint}` };
  }

  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    const contentType = response.headers.get("content-type")?.split(";")[0]?.trim() || "no content type";
    return {
      ok: false,
      reason: `${where} answered ${response.status} with a body that is not JSON (${contentType.slice(0, 80)}): not a health report`,
    };
  }
  const parsed = parseReceivedReport(json);
  if (!parsed.ok) {
    return {
      ok: false,
      reason: `${where} answered ${response.status} with JSON that is not a health report (${parsed.reason.slice(0, 200)})`,
    };
  }
  return { ok: true, report: parsed.report, httpStatus: response.status };
}
