import type { GraphSpec } from "../graphspec";

/** The example from docs/graphspec.md, completed so every node exists. */
export function supportTriage(): GraphSpec {
  return {
    spec_version: 1,
    name: "Support triage",
    description: "Classifies a ticket, drafts a reply, asks a human to approve it.",
    state: {
      fields: [
        { name: "messages", type: "messages", reducer: "messages", default: [], description: "Conversation" },
        { name: "category", type: "string", reducer: "replace", default: null },
        { name: "notes", type: "array", reducer: "append" },
        { name: "cost", type: "number", reducer: "add", default: 0 },
        { name: "meta", type: "object", reducer: "merge", default: {} },
        { name: "documents", type: "array", reducer: "replace", default: [] },
      ],
    },
    nodes: [
      {
        id: "classify",
        kind: "llm",
        label: "Classify ticket",
        config: { provider: "fake", model: "fake-1", prompt: "Classify {{ state.messages[-1].content }}" },
        position: { x: 120, y: 40 },
        retry: { max_attempts: 3, initial_interval: 0.5, backoff_factor: 2.0, max_interval: 30, jitter: true },
      },
      { id: "engineer", kind: "http", label: "File bug", config: { method: "POST", url: "https://example.invalid" }, position: { x: 400, y: 0 } },
      { id: "draft", kind: "llm", label: "Draft reply", config: { provider: "fake", model: "fake-1" }, position: { x: 400, y: 120 } },
      { id: "review", kind: "human", label: "Approve", config: { title: "Approve the reply" }, position: { x: 640, y: 120 } },
      { id: "split", kind: "transform", label: "Split", config: { assign: {} }, position: { x: 640, y: 0 } },
      { id: "summarise", kind: "llm", label: "Summarise", config: {}, position: { x: 880, y: 0 } },
      { id: "custom1", kind: "vector_search", label: "Search", config: { k: 3 }, position: { x: 880, y: 200 } },
    ],
    edges: [
      { id: "e1", source: "__start__", target: "classify" },
      { id: "e2", source: "draft", target: "review" },
      { id: "e3", source: "review", target: "__end__" },
      { id: "e4", source: "engineer", target: "split" },
      { id: "e5", source: "summarise", target: "__end__" },
    ],
    routes: [
      {
        id: "r1",
        source: "classify",
        branches: [
          { label: "bug", when: "state.category == 'bug'", target: "engineer" },
          { label: "search", when: "state.category == 'question'", target: "custom1" },
        ],
        default: "draft",
      },
    ],
    fanouts: [{ id: "f1", source: "split", items: "documents", target: "summarise", as: "document" }],
    breakpoints: { before: ["review"], after: [] },
    metadata: { tags: ["demo"], canvas_positions: { __start__: { x: -100, y: 40 }, __end__: { x: 1100, y: 100 } } },
  };
}
