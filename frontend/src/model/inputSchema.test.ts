import { describe, expect, it } from "vitest";
import { formDataToInput, inputSchemaFor } from "./inputSchema";
import type { StateField } from "./graphspec";

const fields: StateField[] = [
  { name: "messages", type: "messages", reducer: "messages" },
  { name: "category", type: "string", reducer: "replace", description: "Ticket kind" },
  { name: "cost", type: "number", reducer: "add" },
  { name: "meta", type: "object", reducer: "merge" },
];

describe("run input schema", () => {
  it("maps field types onto JSON Schema", () => {
    const s = inputSchemaFor(fields) as { properties: Record<string, Record<string, unknown>> };
    expect(s.properties.category).toEqual({ title: "category", description: "Ticket kind", type: "string" });
    expect(s.properties.cost!.type).toBe("number");
    expect(s.properties.meta!.type).toBe("object");
    expect(s.properties.messages!.type).toBe("string");
  });

  it("turns form data into run input", () => {
    expect(formDataToInput(fields, { messages: "Hi", category: "", cost: 0, meta: { a: 1 } })).toEqual({
      messages: [{ type: "human", content: "Hi" }],
      cost: 0,
      meta: { a: 1 },
    });
  });
});
