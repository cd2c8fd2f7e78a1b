import { describe, expect, it } from "vitest";
import { startProgressLine } from "../../src/cli/progressLine.js";

function stream(isTTY: boolean | undefined): { isTTY: boolean | undefined; written: string[]; write(text: string): boolean } {
  const written: string[] = [];
  return { isTTY, written, write: (text) => written.push(text) > 0 };
}

describe("startProgressLine", () => {
  it.each([
    ["a pipe", undefined, true],
    ["a file", false, true],
    ["--json on a terminal", true, false],
  ])("writes nothing to %s", (_name, isTTY, enabled) => {
    const target = stream(isTTY);
    startProgressLine({ stream: target, enabled, text: "probing" }).stop();
    expect(target.written).toEqual([]);
  });

  it("draws on a terminal and clears its line when stopped", () => {
    const target = stream(true);
    const progress = startProgressLine({ stream: target, enabled: true, text: "probing 1 identity" });
    expect(target.written[0]?.startsWith("\r\u001b[2K")).toBe(true);
    expect(target.written[0]?.slice(5)).toMatch(/^. probing 1 identity \d+\.\d s$/);
    progress.stop();
    progress.stop();
    expect(target.written.at(-1)).toBe("\r\u001b[2K");
    expect(target.written.filter((text) => text === "\r\u001b[2K")).toHaveLength(1);
  });
});
