/** Mermaid flowchart text for a spec: the local fallback when the server's export is unavailable. */
import { END, START, type GraphSpec } from "./graphspec";

function nodeRef(id: string): string {
  if (id === START) return "__start__";
  if (id === END) return "__end__";
  return id.replace(/[^A-Za-z0-9_]/g, "_");
}

function text(s: string): string {
  return s.replace(/"/g, "#quot;");
}

export function specToMermaid(spec: GraphSpec): string {
  const lines = ["flowchart LR", `  __start__([start])`, `  __end__([end])`];
  for (const n of spec.nodes) lines.push(`  ${nodeRef(n.id)}["${text(n.label ?? n.id)}"]`);
  for (const e of spec.edges) lines.push(`  ${nodeRef(e.source)} --> ${nodeRef(e.target)}`);
  for (const r of spec.routes ?? []) {
    for (const b of r.branches) lines.push(`  ${nodeRef(r.source)} -. "${text(b.label || b.when)}" .-> ${nodeRef(b.target)}`);
    if (r.default) lines.push(`  ${nodeRef(r.source)} -. "default" .-> ${nodeRef(r.default)}`);
  }
  for (const f of spec.fanouts ?? []) lines.push(`  ${nodeRef(f.source)} == "each ${text(f.as ?? "item")} in ${text(f.items)}" ==> ${nodeRef(f.target)}`);
  return lines.join("\n") + "\n";
}
