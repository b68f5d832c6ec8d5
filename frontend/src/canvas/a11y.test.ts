import { describe, expect, it } from "vitest";
import { supportTriage } from "../model/__fixtures__/specs";
import { specToCanvas } from "../model/convert";
import { withEdgeNames, withNodeNames } from "./a11y";

const titles = { llm: "LLM", human: "Human review", http: "HTTP request" };

describe("canvas accessible names", () => {
  it("names nodes by label, kind and run status, and edges by their ends", () => {
    const doc = specToCanvas(supportTriage());
    const nodes = withNodeNames(doc.nodes, titles, { draft: { status: "waiting" } });
    const name = (id: string) => nodes.find((n) => n.id === id)!.ariaLabel;
    expect(name("classify")).toBe("Classify ticket, LLM node");
    expect(name("draft")).toBe("Draft reply, LLM node, waiting for review");
    expect(name("custom1")).toBe("Search, vector_search node");
    expect(name("__start__")).toBe("Start");
    const edges = withEdgeNames(doc.edges, doc.nodes);
    const names = edges.map((e) => e.ariaLabel);
    expect(names).toContain("Edge from Start to Classify ticket");
    expect(names).toContain("Fan-out over documents from Split to Summarise");
    expect(names.some((n) => /^Route .+ from Classify ticket to /.test(n!))).toBe(true);
    expect(names.some((n) => /^Default route from Classify ticket to /.test(n!))).toBe(true);
  });

  it("keeps a node's labelled copy while its name holds, so React Flow sees the same object", () => {
    const doc = specToCanvas(supportTriage());
    const a = withNodeNames(doc.nodes, titles);
    const b = withNodeNames(doc.nodes, titles);
    expect(b.every((n, i) => n === a[i])).toBe(true);
    const running = withNodeNames(doc.nodes, titles, { draft: { status: "running" } });
    expect(running.find((n) => n.id === "draft")).not.toBe(a.find((n) => n.id === "draft"));
    expect(running.find((n) => n.id === "classify")).toBe(a.find((n) => n.id === "classify"));
    // The model's nodes are not touched.
    expect(doc.nodes.every((n) => n.ariaLabel === undefined)).toBe(true);
  });
});
