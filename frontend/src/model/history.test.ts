import { describe, expect, it } from "vitest";
import { canRedo, canUndo, createHistory, push, redo, replacePresent, seal, undo } from "./history";

describe("history", () => {
  it("undoes and redoes in order", () => {
    let h = createHistory(1);
    h = push(h, 2);
    h = push(h, 3);
    expect(canUndo(h)).toBe(true);
    h = undo(h);
    expect(h.present).toBe(2);
    h = undo(h);
    expect(h.present).toBe(1);
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(h.present).toBe(3);
    expect(canRedo(h)).toBe(false);
    expect(redo(h)).toBe(h);
  });

  it("a new edit after undo drops the redo branch", () => {
    let h = push(push(createHistory("a"), "b"), "c");
    h = push(undo(h), "d");
    expect(h.future).toEqual([]);
    expect(h.past).toEqual(["a", "b"]);
  });

  it("coalesces edits with the same key into one step until sealed", () => {
    let h = createHistory("");
    h = push(h, "h", "label");
    h = push(h, "he", "label");
    h = push(h, "hel", "label");
    expect(h.past).toEqual([""]);
    h = push(seal(h), "hell", "label");
    expect(h.past).toEqual(["", "hel"]);
    expect(undo(h).present).toBe("hel");
  });

  it("ignores pushes of the same object and caps the past", () => {
    const obj = { a: 1 };
    let h = createHistory(obj);
    expect(push(h, obj)).toBe(h);
    for (let i = 0; i < 10; i++) h = push(h, { a: i }, null, 5);
    expect(h.past).toHaveLength(5);
  });

  it("replacePresent does not add an undo step", () => {
    const h = replacePresent(push(createHistory(1), 2), 3);
    expect(h.present).toBe(3);
    expect(undo(h).present).toBe(1);
  });
});
