import { describe, expect, it } from "vitest";
import { formatDuration } from "./format";

describe("formatDuration", () => {
  it("picks a readable unit", () => {
    expect(formatDuration(12.511)).toBe("13 ms");
    expect(formatDuration(0.4)).toBe("0 ms");
    expect(formatDuration(1400)).toBe("1.4 s");
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(Number.NaN)).toBe("");
  });
});
