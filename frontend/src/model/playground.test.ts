import { describe, expect, it } from "vitest";
import { inputFields } from "./inputSchema";
import { loadPlayground, playgroundKey, savePlayground } from "./playground";

function memory(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
    clear: () => items.clear(),
    key: (i: number) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
}

describe("run playground", () => {
  it("keeps the last inputs per graph", () => {
    const storage = memory();
    savePlayground(storage, "7", { form: { ticket: "hi" }, json: {}, raw: false });
    savePlayground(storage, "8", { form: {}, json: { documents: ["a"] }, raw: true });
    expect(loadPlayground(storage, "7")).toEqual({ form: { ticket: "hi" }, json: {}, raw: false });
    expect(loadPlayground(storage, "8")).toEqual({ form: {}, json: { documents: ["a"] }, raw: true });
    expect(loadPlayground(storage, "9")).toBeNull();
  });

  it("ignores what it cannot read", () => {
    const storage = memory();
    storage.setItem(playgroundKey("1"), "{not json");
    storage.setItem(playgroundKey("2"), JSON.stringify({ form: [1] }));
    expect(loadPlayground(storage, "1")).toBeNull();
    expect(loadPlayground(storage, "2")).toBeNull();
    expect(loadPlayground(null, "1")).toBeNull();
  });
});

describe("input fields", () => {
  const fields = [
    { name: "ticket", type: "string" as const, input: true },
    { name: "category", type: "string" as const },
  ];
  it("are the fields marked input", () => {
    expect(inputFields(fields).map((f) => f.name)).toEqual(["ticket"]);
  });
  it("are every field when none is marked", () => {
    expect(inputFields(fields.map(({ name, type }) => ({ name, type }))).map((f) => f.name)).toEqual(["ticket", "category"]);
  });
});
