// The built CLI's own surface: help, version and usage errors. No services needed — a usage error ends
// the command before anything is probed or fetched.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runCli } from "../fixtures/cli.js";

describe("identity-probe usage", () => {
  it.each([["--help"], ["-h"], ["help"]])("prints usage for %s and exits 0", async (flag) => {
    const run = await runCli([flag]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^Usage: identity-probe <command> \[options\]/);
    for (const text of ["probe", "check --url", "--identity", "--audience", "--timeout", "--key", "--json", "--strict", "Exit status:"]) {
      expect(run.stdout).toContain(text);
    }
  });

  it("prints the check command's usage for check --help, without needing --url", async () => {
    const run = await runCli(["check", "--help"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("--url <url>");
    expect(run.stdout).not.toContain("--identity <system|client-id>  ");
  });

  it("prints the package version", async () => {
    const { version } = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const run = await runCli(["--version"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it.each([
    [["probe", "--bogus"], /unknown option '--bogus'/],
    [["probe", "--timeout", "soon"], /--timeout must be a whole number of milliseconds/],
    [["probe", "--identity", "someone"], /--identity must be 'system' or/],
    [["check"], /check needs --url/],
    [["check", "--url", "http://app.example.net/api/health/identity/details"], /--url must use https/],
    [["deploy"], /unknown command 'deploy'/],
    [[], /missing command/],
  ])("exits 2 with a one-line reason for %j", async (argv, reason) => {
    const run = await runCli(argv);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^identity-probe: /);
    expect(lines[0]).toMatch(reason);
    expect(lines[0]).toContain("(see identity-probe --help)");
  });
});
