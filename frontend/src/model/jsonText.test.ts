import { describe, expect, it } from "vitest";
import { describeJsonError, lineColumn, parseJsonText } from "./jsonText";

describe("parseJsonText", () => {
  it("returns the value of valid JSON", () => {
    expect(parseJsonText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });
  it("names the line and column of a missing closing brace (end of input)", () => {
    const text = '{\n  "category": 12,\n  "bogus_field": 1';
    const r = parseJsonText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.line).toBe(3);
    expect(r.column).toBe(19);
    expect(describeJsonError(r)).toMatch(/^Line 3, column 19: /);
  });
  it("points at the offending character inside the text", () => {
    const r = parseJsonText('{"a": 1 "b": 2}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.line, r.column]).toEqual([1, 9]);
  });
  it("maps offsets to lines and columns", () => {
    expect(lineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("", 0)).toEqual({ line: 1, column: 1 });
  });
});
