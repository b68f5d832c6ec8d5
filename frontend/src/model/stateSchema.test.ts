import { describe, expect, it } from "vitest";
import { checkStateFields, defaultReducerFor, reducerFits } from "./stateSchema";

describe("state schema checks", () => {
  it("accepts the documented example", () => {
    expect(
      checkStateFields([
        { name: "messages", type: "messages", reducer: "messages" },
        { name: "category", type: "string", reducer: "replace" },
        { name: "notes", type: "array", reducer: "append" },
        { name: "cost", type: "number", reducer: "add" },
        { name: "meta", type: "object", reducer: "merge" },
      ]),
    ).toEqual({});
  });

  it("reports bad names, duplicates and reducer/type mismatches by index", () => {
    const r = checkStateFields([
      { name: "a", type: "string", reducer: "replace" },
      { name: "a", type: "string", reducer: "append" },
      { name: "1x", type: "object", reducer: "merge" },
      { name: "", type: "number", reducer: "add" },
    ]);
    expect(r[0]).toBeUndefined();
    expect(r[1]).toEqual(["“a” is already used by field 1.", "The append reducer does not work on string values."]);
    expect(r[2]).toEqual(["Start with a letter; then letters, digits and underscores (64 at most)."]);
    expect(checkStateFields([{ name: "_x", type: "string" }])[0]).toHaveLength(1);
    expect(r[3]).toEqual(["Give the field a name."]);
  });

  it("knows which reducers fit which types", () => {
    expect(reducerFits("merge", "array")).toBe(false);
    expect(reducerFits("replace", "messages")).toBe(true);
    expect(defaultReducerFor("messages")).toBe("messages");
    expect(defaultReducerFor("array")).toBe("replace");
  });
});
