import { describe, expect, it } from "vitest";
import { validateBlobName } from "../../src/http/blobName.js";

describe("blob names", () => {
  it.each(["a", "folder/file.txt", "ünïcode/名前.json", "x".repeat(1024), "a..b", ".hidden", "emoji-😀"])("accepts %s", (name) => {
    expect(validateBlobName(name).ok).toBe(true);
  });

  it.each([
    ["", /required/],
    ["x".repeat(1025), /1025 characters/],
    ["../etc/passwd", /'\.\.'/],
    ["a/../b", /'\.\.'/],
    ["a/./b", /'\.'/],
    ["..", /'\.\.'/],
    ["a\\b", /backslash/],
    ["a\u0000b", /control/],
    ["line\nbreak", /control/],
    ["del\u007f", /control/],
    ["/leading", /start or end/],
    ["trailing/", /start or end/],
    ["bad\ud800surrogate", /surrogate/],
  ])("rejects %j", (name, message) => {
    const result = validateBlobName(name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
