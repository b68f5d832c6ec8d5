import { describe, expect, it } from "vitest";
import { changedKeys, diffState, formatPath } from "./stateDiff";

describe("diffState", () => {
  it("reports added, removed and changed values with paths", () => {
    const before = { category: null, cost: 1, meta: { a: 1, b: 2 }, gone: true };
    const after = { category: "bug", cost: 1, meta: { a: 1, c: 3 }, fresh: [1] };
    const changes = diffState(before, after);
    expect(changes).toEqual(
      expect.arrayContaining([
        { path: ["category"], type: "changed", before: null, after: "bug" },
        { path: ["meta", "b"], type: "removed", before: 2 },
        { path: ["meta", "c"], type: "added", after: 3 },
        { path: ["gone"], type: "removed", before: true },
        { path: ["fresh"], type: "added", after: [1] },
      ]),
    );
    expect(changes).toHaveLength(5);
    expect(changedKeys(changes)).toEqual(new Set(["category", "meta", "gone", "fresh"]));
  });

  it("shows appended messages as new items", () => {
    const m1 = { type: "human", content: "hi" };
    const m2 = { type: "ai", content: "hello" };
    expect(diffState({ messages: [m1] }, { messages: [m1, m2] })).toEqual([{ path: ["messages", 1], type: "added", after: m2 }]);
  });

  it("treats a missing side as empty and equal states as no change", () => {
    expect(diffState(null, { a: 1 })).toEqual([{ path: ["a"], type: "added", after: 1 }]);
    expect(diffState({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it("formats paths", () => {
    expect(formatPath(["messages", 2, "content"])).toBe("messages[2].content");
    expect(formatPath([])).toBe("(state)");
  });
});
