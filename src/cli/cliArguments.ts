// The command line of `identity-probe`: `node:util` parseArgs in strict mode (an unknown flag or a
// missing value is an error, never ignored), then each value validated here so that a bad value is a
// usage error (exit 2) naming the flag — not a `misconfigured` check in the report.
import { parseArgs } from "node:util";
import { parseAudience, timeoutBounds } from "../config.js";
import { isGuid } from "../shared/guid.js";

export interface OutputOptions {
  /** Print the report itself as JSON instead of the table. */
  readonly json: boolean;
  /** Exit 1 on `warn` as well as on `fail`. */
  readonly strict: boolean;
}

export interface ProbeCommand extends OutputOptions {
  readonly kind: "probe";
  /** `system` and/or user-assigned client IDs (lowercase); empty = IDENTITY_PROBE_IDENTITIES as set. */
  readonly identities: readonly string[];
  /** Extra token audiences; empty = IDENTITY_PROBE_AUDIENCES as set. */
  readonly audiences: readonly string[];
  /** Deadline for each check; undefined = IDENTITY_PROBE_TIMEOUT_MS or its default. */
  readonly timeoutMs: number | undefined;
}

export interface CheckCommand extends OutputOptions {
  readonly kind: "check";
  readonly url: URL;
  /** The function key, sent as `x-functions-key`. A secret: never part of a message. */
  readonly key: string | undefined;
  /** Deadline for the whole request: connect, answer and body. */
  readonly timeoutMs: number;
}

export type HelpTopic = "main" | "probe" | "check";

export type CliCommand = { readonly kind: "help"; readonly topic: HelpTopic } | { readonly kind: "version" } | ProbeCommand | CheckCommand;

export type ParsedArguments = { readonly ok: true; readonly command: CliCommand } | { readonly ok: false; readonly reason: string };

/** A cold Flex Consumption app can take several seconds before it runs the report's own deadline. */
export const defaultCheckTimeoutMs = 30_000;

const commonOptions = {
  json: { type: "boolean" },
  strict: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  timeout: { type: "string" },
} as const;

const probeOptions = {
  ...commonOptions,
  identity: { type: "string", multiple: true },
  audience: { type: "string", multiple: true },
} as const;

const checkOptions = {
  ...commonOptions,
  url: { type: "string" },
  key: { type: "string" },
} as const;

const topLevelOptions = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A value safe to echo in a message: bounded, one line, no control characters. */
function quote(value: string): string {
  const clean = value.replace(/[\p{Cc}\p{Cf}]/gu, "?");
  return `'${clean.length > 64 ? `${clean.slice(0, 64)}…` : clean}'`;
}

/**
 * parseArgs' messages are multi-sentence and some echo a value; the user gets one line naming the flag.
 * Codes: https://nodejs.org/api/errors.html#err_parse_args_unknown_option and its neighbours.
 */
function describeParseError(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  const message = error instanceof Error ? error.message : String(error);
  // The option's name is the first quoted word; `--key=<secret>` is never quoted whole by Node.
  const option = /'(-{1,2}[\w-]+)/.exec(message)?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option ? `'${option}'` : ""}`.trim();
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (!option) return "an option has an invalid value";
      // `--json=1` → takes no value; `--key` at the end or `--timeout --json` → its value is missing.
      return /does not take/.test(message) ? `option '${option}' does not take a value` : `option '${option}' needs a value`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      // Not echoed: a function key typed without --key in front of it would land here.
      return "unexpected argument: options take the form --name <value>";
    default:
      return "cannot read the command line";
  }
}

function parseTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < timeoutBounds.min || value > timeoutBounds.max) {
    throw new UsageError(
      `--timeout must be a whole number of milliseconds from ${timeoutBounds.min} to ${timeoutBounds.max}, not ${quote(raw)}`,
    );
  }
  return value;
}

/** Repeated flags and comma-separated lists both work, as IDENTITY_PROBE_IDENTITIES is comma-separated. */
function listOf(flag: string, values: readonly string[] | undefined): string[] {
  const entries = (values ?? [])
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter(Boolean);
  if (values !== undefined && values.length > 0 && entries.length === 0) throw new UsageError(`${flag} needs a value`);
  return entries;
}

function parseIdentities(values: readonly string[] | undefined): string[] {
  const identities: string[] = [];
  for (const entry of listOf("--identity", values)) {
    const normalized = entry.toLowerCase();
    if (normalized !== "system" && !isGuid(normalized)) {
      throw new UsageError(`--identity must be 'system' or a user-assigned identity's client ID (a GUID), not ${quote(entry)}`);
    }
    if (!identities.includes(normalized)) identities.push(normalized);
  }
  return identities;
}

/** Same rule as IDENTITY_PROBE_AUDIENCES: an https:// or api:// URI, or an application ID. */
function parseAudiences(values: readonly string[] | undefined): string[] {
  const audiences: string[] = [];
  for (const entry of listOf("--audience", values)) {
    const audience = parseAudience(entry);
    if (audience === undefined)
      throw new UsageError(`--audience must be an https:// or api:// URI or an application ID, not ${quote(entry)}`);
    if (!audiences.includes(audience)) audiences.push(audience);
  }
  return audiences;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function parseUrl(raw: string | undefined): URL {
  if (raw === undefined || raw.trim() === "") {
    throw new UsageError("check needs --url <app>/api/health/identity/details");
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError("--url is not a URL: expected e.g. https://<app>.azurewebsites.net/api/health/identity/details");
  }
  if (url.username || url.password) throw new UsageError("--url must not carry a user name or password");
  // The function key travels in a header: over plain HTTP it would cross the network in the clear.
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new UsageError("--url must use https (plain http is accepted for loopback addresses only)");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError("--url must use https");
  url.hash = "";
  return url;
}

function parseKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // Function keys are URL-safe base64-like strings; anything else would break the header. Never echoed.
  if (!/^[\x21-\x7e]{1,1024}$/.test(raw)) throw new UsageError("--key must be a function key: printable characters without spaces");
  return raw;
}

const commandNames = ["probe", "check"] as const;

export function parseCliArguments(argv: readonly string[]): ParsedArguments {
  try {
    return { ok: true, command: parseCommand(argv) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, reason: error.message };
    return { ok: false, reason: describeParseError(error) };
  }
}

function parseCommand(argv: readonly string[]): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith("-")) {
    const { values } = parseArgs({ args: [...argv], options: topLevelOptions, strict: true, allowPositionals: false });
    if (values.help) return { kind: "help", topic: "main" };
    if (values.version) return { kind: "version" };
    throw new UsageError("missing command: probe or check");
  }
  if (first === "help") return { kind: "help", topic: "main" };
  if (!(commandNames as readonly string[]).includes(first)) {
    throw new UsageError(`unknown command ${quote(first)}: expected probe or check`);
  }

  if (first === "probe") {
    const { values } = parseArgs({ args: rest, options: probeOptions, strict: true, allowPositionals: false });
    if (values.help) return { kind: "help", topic: "probe" };
    return {
      kind: "probe",
      identities: parseIdentities(values.identity),
      audiences: parseAudiences(values.audience),
      timeoutMs: parseTimeout(values.timeout),
      json: values.json ?? false,
      strict: values.strict ?? false,
    };
  }

  const { values } = parseArgs({ args: rest, options: checkOptions, strict: true, allowPositionals: false });
  if (values.help) return { kind: "help", topic: "check" };
  return {
    kind: "check",
    url: parseUrl(values.url),
    key: parseKey(values.key),
    timeoutMs: parseTimeout(values.timeout) ?? defaultCheckTimeoutMs,
    json: values.json ?? false,
    strict: values.strict ?? false,
  };
}
