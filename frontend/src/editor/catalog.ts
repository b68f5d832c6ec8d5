/** Built-in descriptions of the node kinds, used when the catalog API is not reachable. */
import type { NodeKindInfo } from "../api/types";

const anyObject = { type: "object", additionalProperties: true };

export const FALLBACK_KINDS: NodeKindInfo[] = [
  { kind: "llm", title: "LLM", description: "Call a language model with a prompt template.", config_schema: anyObject },
  { kind: "tools", title: "Tools", description: "Run the tool calls the last model message asked for.", config_schema: anyObject },
  { kind: "router", title: "Router", description: "Send control down one of several labelled branches.", config_schema: anyObject },
  { kind: "human", title: "Human review", description: "Pause and ask a person to approve or edit.", config_schema: anyObject },
  { kind: "transform", title: "Transform", description: "Compute new state values from templates.", config_schema: anyObject },
  { kind: "http", title: "HTTP request", description: "Call an HTTP endpoint.", config_schema: anyObject },
  { kind: "python", title: "Python", description: "Run a Python function.", config_schema: anyObject },
  { kind: "subgraph", title: "Subgraph", description: "Run another graph as a step.", config_schema: anyObject },
];

export function kindInfo(kinds: readonly NodeKindInfo[], kind: string): NodeKindInfo | undefined {
  return kinds.find((k) => k.kind === kind);
}
