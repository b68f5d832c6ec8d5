import { describe, expect, it } from "vitest";
import { summarizeSpecChanges } from "./specChanges";
import { specToMermaid } from "./mermaid";
import { supportTriage } from "./__fixtures__/specs";

describe("summarizeSpecChanges", () => {
  it("lists node, connection and state changes in words", () => {
    const mine = supportTriage();
    const theirs = supportTriage();
    theirs.nodes = theirs.nodes.filter((n) => n.id !== "custom1");
    theirs.nodes.push({ id: "n_x", kind: "tools", label: "Tools", config: {} });
    theirs.nodes[0]!.config = { ...theirs.nodes[0]!.config, model: "fake-2" };
    theirs.nodes[1]!.label = "File a bug";
    theirs.edges.push({ id: "e9", source: "n_x", target: "__end__" });
    theirs.state.fields.push({ name: "score", type: "number", reducer: "replace" });
    const { lines } = summarizeSpecChanges(mine, theirs);
    expect(lines).toEqual([
      "Added node “Tools” (tools)",
      "Removed node “Search”",
      "Changed the configuration of “Classify ticket”",
      "Renamed node “File bug” to “File a bug”",
      "Added 1 connection",
      "Added state field “score”",
    ]);
  });

  it("says when only positions differ", () => {
    const theirs = supportTriage();
    theirs.nodes[0]!.position = { x: 0, y: 0 };
    expect(summarizeSpecChanges(supportTriage(), theirs).lines).toEqual(["Moved nodes on the canvas"]);
    expect(summarizeSpecChanges(supportTriage(), supportTriage()).lines).toEqual(["No visible differences"]);
  });
});

describe("specToMermaid", () => {
  it("draws edges, labelled routes and fan-outs", () => {
    const m = specToMermaid(supportTriage());
    expect(m.startsWith("flowchart LR\n")).toBe(true);
    expect(m).toContain("__start__ --> classify");
    expect(m).toContain('classify -. "bug" .-> engineer');
    expect(m).toContain('classify -. "default" .-> draft');
    expect(m).toContain('split == "each document in documents" ==> summarise');
  });
});
