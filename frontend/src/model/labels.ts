/** Names people read instead of ids: node labels from the graph spec, node kind titles. */

/** Titles of the built-in node kinds (`runtime.graphspec.catalog()`), for pages that cannot ask the server (a share link). */
export const KIND_TITLES: Readonly<Record<string, string>> = {
  llm: "LLM",
  tools: "Tools",
  router: "Router",
  human: "Human review",
  transform: "Transform",
  http: "HTTP request",
  python: "Python function",
  subgraph: "Subgraph",
};

/** A kind's title: the server's, else the built-in one, else the kind with a capital letter. */
export function kindTitle(kind: string, titles: Readonly<Record<string, string>> = {}): string {
  return titles[kind] ?? KIND_TITLES[kind] ?? (kind ? kind[0]!.toUpperCase() + kind.slice(1) : kind);
}

/** Every known kind's title, for the canvas (server titles win over the built-in ones). */
export function kindTitles(fromServer: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...KIND_TITLES, ...fromServer };
}

/** Node id → label for a spec's nodes (ids stand in for missing labels; start/end get names). */
export function nodeLabels(spec: { nodes?: readonly { id: string; label?: string | null }[] } | null | undefined): Record<string, string> {
  const out: Record<string, string> = { __start__: "Start", __end__: "End" };
  for (const n of spec?.nodes ?? []) out[n.id] = n.label || n.id;
  return out;
}

/** A node's label, or its id when the graph does not name it. */
export function labelOf(labels: Readonly<Record<string, string>>, id: string): string {
  return labels[id] ?? id;
}
