import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../src/cli/exitCode.js";

describe("exitCodeFor", () => {
  it.each([
    ["pass", false, 0],
    ["pass", true, 0],
    ["warn", false, 0],
    ["warn", true, 1],
    ["fail", false, 1],
    ["fail", true, 1],
  ] as const)("%s with strict=%s → %i", (status, strict, code) => {
    expect(exitCodeFor(status, { strict })).toBe(code);
  });
});
