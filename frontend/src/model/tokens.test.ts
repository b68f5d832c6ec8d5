import { describe, expect, it } from "vitest";
import { modelLabel } from "./tokens";

describe("modelLabel", () => {
  it("says plainly when the reply came from the fake provider", () => {
    expect(modelLabel("fake", "fake-1")).toMatchObject({ text: "fake model (demo)", fake: true });
  });
  it("names real models with their provider", () => {
    expect(modelLabel("openai", "gpt-4o-mini")).toMatchObject({ text: "gpt-4o-mini (openai)", fake: false });
    expect(modelLabel(undefined, "claude")).toMatchObject({ text: "claude" });
    expect(modelLabel()).toBeNull();
  });
});

describe("specNodeModels", () => {
  it("reads llm nodes' provider and model, with the runtime's defaults", async () => {
    const { specNodeModels } = await import("./tokens");
    expect(
      specNodeModels({
        nodes: [
          { id: "a", kind: "llm", config: { provider: "openai", model: "gpt-4o" } },
          { id: "b", kind: "llm", config: {} },
          { id: "c", kind: "transform", config: {} },
        ],
      }),
    ).toEqual({ a: { provider: "openai", model: "gpt-4o" }, b: { provider: "fake", model: "fake-1" } });
  });
});
