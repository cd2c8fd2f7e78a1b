import { describe, expect, it } from "vitest";
import { defaultCheckTimeoutMs, parseCliArguments, type CliCommand } from "../../src/cli/cliArguments.js";

const clientId = "5e0c1d00-0000-4000-8000-00000000a002";
const otherClientId = "0BADC0DE-0000-4000-8000-000000000404";
const key = "s3cr3t-Function_Key==";
const details = "https://app.azurewebsites.net/api/health/identity/details";

const probeDefaults = { kind: "probe", identities: [], audiences: [], timeoutMs: undefined, json: false, strict: false } as const;

describe("parseCliArguments", () => {
  it.each<[string, string[], CliCommand | Record<string, unknown>]>([
    ["--help", ["--help"], { kind: "help", topic: "main" }],
    ["-h", ["-h"], { kind: "help", topic: "main" }],
    ["help", ["help"], { kind: "help", topic: "main" }],
    ["--version", ["--version"], { kind: "version" }],
    ["probe --help", ["probe", "--help"], { kind: "help", topic: "probe" }],
    ["check -h (no --url needed)", ["check", "-h"], { kind: "help", topic: "check" }],
    ["probe", ["probe"], probeDefaults],
    ["probe --json --strict", ["probe", "--json", "--strict"], { ...probeDefaults, json: true, strict: true }],
    [
      "repeated --identity",
      ["probe", "--identity", "system", "--identity", otherClientId],
      { ...probeDefaults, identities: ["system", otherClientId.toLowerCase()] },
    ],
    [
      "comma-separated --identity, duplicates dropped",
      ["probe", "--identity", `SYSTEM, ${clientId},${clientId}`],
      { ...probeDefaults, identities: ["system", clientId] },
    ],
    [
      "--audience as a scope",
      ["probe", "--audience", "https://vault.azure.net/.default"],
      { ...probeDefaults, audiences: ["https://vault.azure.net"] },
    ],
    [
      "--audience api:// and an application ID",
      ["probe", "--audience", "api://my-api", "--audience", clientId],
      { ...probeDefaults, audiences: ["api://my-api", clientId] },
    ],
    ["--timeout=", ["probe", "--timeout=2500"], { ...probeDefaults, timeoutMs: 2500 }],
    ["--timeout at the bounds", ["probe", "--timeout", "100"], { ...probeDefaults, timeoutMs: 100 }],
    ["check", ["check", "--url", details], { kind: "check", key: undefined, timeoutMs: defaultCheckTimeoutMs, json: false, strict: false }],
    [
      "check with key, timeout, json, strict",
      ["check", "--url", details, "--key", key, "--timeout", "120000", "--json", "--strict"],
      { kind: "check", key, timeoutMs: 120_000, json: true, strict: true },
    ],
    ["check on loopback http", ["check", "--url", "http://127.0.0.1:7071/api/health/identity"], { kind: "check" }],
    ["check on localhost http", ["check", "--url", "http://localhost:7071/api/health/identity"], { kind: "check" }],
    ["check on [::1] http", ["check", "--url", "http://[::1]:7071/api/health/identity"], { kind: "check" }],
  ])("reads %s", (_name, argv, expected) => {
    const parsed = parseCliArguments(argv);
    expect(parsed).toMatchObject({ ok: true, command: expected });
  });

  it("keeps the URL (query included) and drops a fragment", () => {
    const parsed = parseCliArguments(["check", "--url", `${details}?code=abc#frag`]);
    expect(parsed.ok && parsed.command.kind === "check" ? parsed.command.url.href : undefined).toBe(`${details}?code=abc`);
  });

  it.each<[string, string[], RegExp]>([
    ["no command", [], /^missing command/],
    ["an unknown command", ["frobnicate"], /^unknown command 'frobnicate'/],
    ["an unknown top-level flag", ["--verbose"], /^unknown option '--verbose'$/],
    ["an unknown probe flag", ["probe", "--nope"], /^unknown option '--nope'$/],
    ["a check flag on probe", ["probe", "--url", details], /^unknown option '--url'$/],
    ["a probe flag on check", ["check", "--url", details, "--identity", "system"], /^unknown option '--identity'$/],
    ["--version after a command", ["probe", "--version"], /^unknown option '--version'$/],
    ["a value for a boolean", ["probe", "--json=yes"], /^option '--json' does not take a value$/],
    ["a missing value", ["probe", "--timeout"], /^option '--timeout' needs a value$/],
    ["a flag where the value should be", ["probe", "--timeout", "--json"], /^option '--timeout' needs a value$/],
    ["a positional argument", ["probe", "system"], /^unexpected argument/],
    ["a timeout that is not a number", ["probe", "--timeout", "5s"], /^--timeout must be a whole number .* not '5s'$/],
    ["a timeout below the bound", ["probe", "--timeout", "99"], /^--timeout must be a whole number of milliseconds from 100 to 120000/],
    ["a timeout above the bound", ["check", "--url", details, "--timeout", "120001"], /^--timeout must be/],
    ["a negative timeout", ["probe", "--timeout=-1"], /^--timeout must be/],
    ["an identity that is neither", ["probe", "--identity", "my-identity"], /^--identity must be 'system' or .* not 'my-identity'$/],
    ["an empty identity", ["probe", "--identity", ""], /^--identity needs a value$/],
    ["an empty audience list", ["probe", "--audience", " , "], /^--audience needs a value$/],
    ["an http audience", ["probe", "--audience", "http://vault.azure.net"], /^--audience must be an https:\/\/ or api:\/\/ URI/],
    ["a missing --url", ["check"], /^check needs --url/],
    ["--url that is not a URL", ["check", "--url", "app/api/health"], /^--url is not a URL/],
    [
      "--url over http to another host",
      ["check", "--url", "http://app.azurewebsites.net/api/health/identity/details"],
      /^--url must use https/,
    ],
    ["--url with another scheme", ["check", "--url", "ftp://127.0.0.1/x"], /^--url must use https/],
    ["--url with credentials", ["check", "--url", "https://user:pw@app.example.net/x"], /^--url must not carry a user name or password$/],
    ["a key with a space", ["check", "--url", details, "--key", "abc def"], /^--key must be a function key/],
    ["a key with a line break", ["check", "--url", details, "--key", "abc\r\nx-evil: 1"], /^--key must be a function key/],
  ])("refuses %s with a one-line reason", (_name, argv, reason) => {
    const parsed = parseCliArguments(argv);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toMatch(reason);
    expect(parsed.reason).not.toContain("\n");
  });

  it("never repeats a key, even a malformed one or one given as a misspelt flag's value", () => {
    for (const argv of [
      ["check", "--url", details, "--key", `${key} x`],
      ["check", "--url", details, `--kye=${key}`],
      ["check", "--url", details, key],
    ]) {
      const parsed = parseCliArguments(argv);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).not.toContain(key);
    }
  });

  it("shows a hostile value without its control characters", () => {
    const parsed = parseCliArguments(["probe", "--identity", "x\u001b[2J\u0007"]);
    expect(parsed.ok ? "" : parsed.reason).not.toMatch(/\p{Cc}/u);
  });
});
