import { describe, expect, it } from "vitest";
import { kindTitle, kindTitles, labelOf, nodeLabels } from "./labels";

describe("labels", () => {
  it("maps node ids to labels, falling back to the id", () => {
    const labels = nodeLabels({ nodes: [{ id: "review", label: "Approve reply" }, { id: "write_draft", label: "" }] });
    expect(labelOf(labels, "review")).toBe("Approve reply");
    expect(labelOf(labels, "write_draft")).toBe("write_draft");
    expect(labelOf(labels, "__end__")).toBe("End");
    expect(labelOf(labels, "unknown")).toBe("unknown");
  });
  it("gives kinds proper titles without the server", () => {
    expect(kindTitle("llm")).toBe("LLM");
    expect(kindTitle("transform")).toBe("Transform");
    expect(kindTitle("my_kind")).toBe("My_kind");
    expect(kindTitle("llm", { llm: "Chat model" })).toBe("Chat model");
    expect(kindTitles({ python: "Code" })).toMatchObject({ llm: "LLM", python: "Code" });
  });
});
