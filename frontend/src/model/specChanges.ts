/** A readable summary of how two graph specs differ, for the draft conflict dialog. */
import type { GraphSpec } from "./graphspec";

export interface SpecChangeSummary {
  /** Each line says what the other version has compared with ours. */
  lines: string[];
}

function byId<T extends { id: string }>(xs: readonly T[] | undefined): Map<string, T> {
  return new Map((xs ?? []).map((x) => [x.id, x]));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What `theirs` changed relative to `mine`, in product words. Positions are ignored. */
export function summarizeSpecChanges(mine: GraphSpec, theirs: GraphSpec): SpecChangeSummary {
  const lines: string[] = [];
  if (mine.name !== theirs.name) lines.push(`Renamed the graph to “${theirs.name}”`);
  if ((mine.description ?? "") !== (theirs.description ?? "")) lines.push("Changed the description");

  const mn = byId(mine.nodes);
  const tn = byId(theirs.nodes);
  const label = (id: string) => tn.get(id)?.label ?? mn.get(id)?.label ?? id;
  for (const [id, n] of tn) if (!mn.has(id)) lines.push(`Added node “${label(id)}” (${n.kind})`);
  for (const id of mn.keys()) if (!tn.has(id)) lines.push(`Removed node “${label(id)}”`);
  for (const [id, n] of tn) {
    const m = mn.get(id);
    if (!m) continue;
    if (m.label !== n.label) lines.push(`Renamed node “${m.label ?? id}” to “${n.label ?? id}”`);
    if (!same(m.config, n.config)) lines.push(`Changed the configuration of “${label(id)}”`);
    if (!same(m.retry, n.retry)) lines.push(`Changed the retry policy of “${label(id)}”`);
  }

  const connections = (s: GraphSpec) => {
    const out = new Map<string, string>();
    for (const e of s.edges) out.set(`edge:${e.id}`, `${e.source}→${e.target}`);
    for (const r of s.routes ?? []) out.set(`route:${r.id}`, JSON.stringify([r.source, r.branches, r.default ?? null]));
    for (const f of s.fanouts ?? []) out.set(`fanout:${f.id}`, JSON.stringify(f));
    return out;
  };
  const mc = connections(mine);
  const tc = connections(theirs);
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const [k, v] of tc) {
    if (!mc.has(k)) added++;
    else if (mc.get(k) !== v) changed++;
  }
  for (const k of mc.keys()) if (!tc.has(k)) removed++;
  if (added) lines.push(`Added ${added} connection${added > 1 ? "s" : ""}`);
  if (removed) lines.push(`Removed ${removed} connection${removed > 1 ? "s" : ""}`);
  if (changed) lines.push(`Changed ${changed} connection${changed > 1 ? "s" : ""}`);

  const mf = new Map(mine.state.fields.map((f) => [f.name, f]));
  const tf = new Map(theirs.state.fields.map((f) => [f.name, f]));
  for (const name of tf.keys()) if (!mf.has(name)) lines.push(`Added state field “${name}”`);
  for (const name of mf.keys()) if (!tf.has(name)) lines.push(`Removed state field “${name}”`);
  for (const [name, f] of tf) if (mf.has(name) && !same(mf.get(name), f)) lines.push(`Changed state field “${name}”`);

  if (!same(mine.breakpoints ?? null, theirs.breakpoints ?? null)) lines.push("Changed breakpoints");
  if (lines.length === 0) {
    const moved = theirs.nodes.some((n) => !same(n.position, mn.get(n.id)?.position));
    lines.push(moved ? "Moved nodes on the canvas" : "No visible differences");
  }
  return { lines };
}
