/**
 * The diff of two graph specs as canvas decorations and a list of changes: what the
 * Versions panel's "Compare" shows. Pure; compares like the server's `/diff/`
 * (builder/api/diff.py: nodes, edges, routes and fan-outs by id, state fields by name),
 * but on specs the browser holds, so the unsaved draft can be one side.
 */
import { specToCanvas } from "../model/convert";
import type { CanvasDoc, CanvasEdge, CanvasNode } from "../model/canvas";
import { END, START, type GraphSpec, type SpecNode, type SpecRoute, type StateField } from "../model/graphspec";

export type DiffMark = "added" | "removed" | "changed";

export interface DiffChange {
  /** Stable key for lists. */
  key: string;
  mark: DiffMark;
  /** "node" | "edge" | "route" | "fanout" | "state" | "graph": what the change is about. */
  subject: "node" | "edge" | "route" | "fanout" | "state" | "graph";
  /** Short title, e.g. the node's label. */
  title: string;
  /** What changed, one line each: "max_tokens: 256 → 512". */
  details: string[];
  /** The canvas node to focus when the change is clicked. */
  nodeId?: string;
}

export interface DiffView {
  /** Both sides' nodes and edges: removed ones taken from `before`, each marked. */
  doc: CanvasDoc;
  nodeMarks: Record<string, DiffMark>;
  edgeMarks: Record<string, DiffMark>;
  changes: DiffChange[];
  identical: boolean;
}

const MAX_VALUE = 60;

/** A value in one short line: JSON, cut with an ellipsis. */
export function formatValue(v: unknown): string {
  if (v === undefined) return "(unset)";
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

/** JSON equality with object keys in any order. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => same(x, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function byKey<T>(xs: readonly T[] | undefined, key: (x: T) => string): Map<string, T> {
  return new Map((xs ?? []).map((x) => [key(x), x]));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** "key: old → new" for every key whose value differs, down to the changed leaf
 *  ("set[0].expression"), through objects and lists of the same length. */
function keyChanges(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ""): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const out: string[] = [];
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (same(a, b)) continue;
    const path = `${prefix}${k}`;
    if (isPlainObject(a) && isPlainObject(b)) out.push(...keyChanges(a, b, `${path}.`));
    else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => {
        const y = b[i];
        if (same(x, y)) return;
        if (isPlainObject(x) && isPlainObject(y)) out.push(...keyChanges(x, y, `${path}[${i}].`));
        else out.push(`${path}[${i}]: ${formatValue(x)} → ${formatValue(y)}`);
      });
    } else out.push(`${path}: ${formatValue(a)} → ${formatValue(b)}`);
  }
  return out;
}

function nodeDetails(a: SpecNode, b: SpecNode): string[] {
  const out: string[] = [];
  if ((a.label ?? a.id) !== (b.label ?? b.id)) out.push(`label: ${formatValue(a.label ?? a.id)} → ${formatValue(b.label ?? b.id)}`);
  if (a.kind !== b.kind) out.push(`kind: ${a.kind} → ${b.kind}`);
  out.push(...keyChanges(a.config ?? {}, b.config ?? {}));
  if (!same(a.retry, b.retry)) out.push(...keyChanges((a.retry ?? {}) as Record<string, unknown>, (b.retry ?? {}) as Record<string, unknown>, "retry."));
  return out;
}

function fieldText(f: StateField): string {
  return `${f.type}${f.reducer && f.reducer !== "replace" ? `, ${f.reducer}` : ""}`;
}

function routeBranches(r: SpecRoute, labelOf: (id: string) => string): string[] {
  return [
    ...r.branches.map((b) => `${b.label || b.when} → ${labelOf(b.target)}`),
    ...(r.default ? [`default → ${labelOf(r.default)}`] : []),
  ];
}

/** Only the layout moved: not a change a reviewer needs to see. */
function withoutPosition(n: SpecNode): SpecNode {
  const { position: _p, ...rest } = n;
  return rest as SpecNode;
}

/** Compare `before` (the older side) with `after`: the canvas to draw and the change list. */
export function diffSpecs(before: GraphSpec, after: GraphSpec): DiffView {
  const changes: DiffChange[] = [];
  const nodeMarks: Record<string, DiffMark> = {};
  const edgeMarks: Record<string, DiffMark> = {};
  const bn = byKey(before.nodes, (n) => n.id);
  const an = byKey(after.nodes, (n) => n.id);
  const labelOf = (id: string) => (id === START ? "Start" : id === END ? "End" : (an.get(id)?.label ?? bn.get(id)?.label ?? id));

  if (before.name !== after.name) changes.push({ key: "graph:name", mark: "changed", subject: "graph", title: "Graph name", details: [`${formatValue(before.name)} → ${formatValue(after.name)}`] });
  if ((before.description ?? "") !== (after.description ?? "")) {
    changes.push({ key: "graph:description", mark: "changed", subject: "graph", title: "Graph description", details: [`${formatValue(before.description ?? "")} → ${formatValue(after.description ?? "")}`] });
  }

  for (const [id, n] of an) {
    const old = bn.get(id);
    if (!old) {
      nodeMarks[id] = "added";
      changes.push({ key: `node:${id}`, mark: "added", subject: "node", title: labelOf(id), details: [`new ${n.kind} node`], nodeId: id });
    } else if (!same(withoutPosition(old), withoutPosition(n))) {
      const details = nodeDetails(old, n);
      nodeMarks[id] = "changed";
      changes.push({ key: `node:${id}`, mark: "changed", subject: "node", title: labelOf(id), details: details.length ? details : ["metadata"], nodeId: id });
    }
  }
  for (const [id, n] of bn) {
    if (an.has(id)) continue;
    nodeMarks[id] = "removed";
    changes.push({ key: `node:${id}`, mark: "removed", subject: "node", title: n.label ?? id, details: [`${n.kind} node removed`], nodeId: id });
  }

  const be = byKey(before.edges, (e) => e.id);
  const ae = byKey(after.edges, (e) => e.id);
  for (const [id, e] of ae) {
    const old = be.get(id);
    const ends = `${labelOf(e.source)} → ${labelOf(e.target)}`;
    if (!old) changes.push({ key: `edge:${id}`, mark: "added", subject: "edge", title: `Edge ${ends}`, details: ["added"], nodeId: e.source });
    else if (old.source !== e.source || old.target !== e.target) {
      changes.push({ key: `edge:${id}`, mark: "changed", subject: "edge", title: `Edge ${ends}`, details: [`was ${labelOf(old.source)} → ${labelOf(old.target)}`], nodeId: e.source });
    }
  }
  for (const [id, e] of be) {
    if (!ae.has(id)) changes.push({ key: `edge:${id}`, mark: "removed", subject: "edge", title: `Edge ${labelOf(e.source)} → ${labelOf(e.target)}`, details: ["removed"], nodeId: e.source });
  }

  const br = byKey(before.routes, (r) => r.id);
  const ar = byKey(after.routes, (r) => r.id);
  for (const [id, r] of ar) {
    const old = br.get(id);
    const title = `Route from ${labelOf(r.source)}`;
    if (!old) changes.push({ key: `route:${id}`, mark: "added", subject: "route", title, details: routeBranches(r, labelOf).map((b) => `+ ${b}`), nodeId: r.source });
    else if (!same(old, r)) {
      const was = routeBranches(old, labelOf);
      const now = routeBranches(r, labelOf);
      const details = [...now.filter((b) => !was.includes(b)).map((b) => `+ ${b}`), ...was.filter((b) => !now.includes(b)).map((b) => `− ${b}`)];
      changes.push({ key: `route:${id}`, mark: "changed", subject: "route", title, details: details.length ? details : ["branch order or metadata"], nodeId: r.source });
    }
  }
  for (const [id, r] of br) {
    if (!ar.has(id)) changes.push({ key: `route:${id}`, mark: "removed", subject: "route", title: `Route from ${labelOf(r.source)}`, details: routeBranches(r, labelOf).map((b) => `− ${b}`), nodeId: r.source });
  }

  const bf = byKey(before.fanouts, (f) => f.id);
  const af = byKey(after.fanouts, (f) => f.id);
  for (const [id, f] of af) {
    const old = bf.get(id);
    const title = `Fan-out ${labelOf(f.source)} → ${labelOf(f.target)}`;
    if (!old) changes.push({ key: `fanout:${id}`, mark: "added", subject: "fanout", title, details: [`each ${f.as ?? "item"} in ${f.items}`], nodeId: f.source });
    else if (!same(old, f)) changes.push({ key: `fanout:${id}`, mark: "changed", subject: "fanout", title, details: keyChanges(old as unknown as Record<string, unknown>, f as unknown as Record<string, unknown>), nodeId: f.source });
  }
  for (const [id, f] of bf) {
    if (!af.has(id)) changes.push({ key: `fanout:${id}`, mark: "removed", subject: "fanout", title: `Fan-out ${labelOf(f.source)} → ${labelOf(f.target)}`, details: ["removed"], nodeId: f.source });
  }

  const bs = byKey(before.state?.fields, (f) => f.name);
  const as = byKey(after.state?.fields, (f) => f.name);
  for (const [name, f] of as) {
    const old = bs.get(name);
    if (!old) changes.push({ key: `state:${name}`, mark: "added", subject: "state", title: `State field ${name}`, details: [`added (${fieldText(f)})`] });
    else if (!same(old, f)) changes.push({ key: `state:${name}`, mark: "changed", subject: "state", title: `State field ${name}`, details: keyChanges(old as unknown as Record<string, unknown>, f as unknown as Record<string, unknown>) });
  }
  for (const [name, f] of bs) {
    if (!as.has(name)) changes.push({ key: `state:${name}`, mark: "removed", subject: "state", title: `State field ${name}`, details: [`removed (${fieldText(f)})`] });
  }

  // The canvas: `after` as drawn, plus what only `before` had, at its old place.
  const a = specToCanvas(after);
  const b = specToCanvas(before);
  const aEdges = new Map(a.edges.map((e) => [e.id, e]));
  const bEdges = new Map(b.edges.map((e) => [e.id, e]));
  for (const e of a.edges) {
    const old = bEdges.get(e.id);
    if (!old) edgeMarks[e.id] = "added";
    else if (old.source !== e.source || old.target !== e.target || !same(old.data, e.data)) edgeMarks[e.id] = "changed";
  }
  const removedEdges: CanvasEdge[] = b.edges.filter((e) => !aEdges.has(e.id));
  for (const e of removedEdges) edgeMarks[e.id] = "removed";
  const removedNodes: CanvasNode[] = b.nodes.filter((n) => nodeMarks[n.id] === "removed");

  const doc: CanvasDoc = { ...a, nodes: [...a.nodes, ...removedNodes], edges: [...a.edges, ...removedEdges] };
  return { doc, nodeMarks, edgeMarks, changes, identical: same(before, after) };
}

const MARK_WORDS: Record<DiffMark, string> = { added: "added", removed: "removed", changed: "changed" };

/** The diff canvas's nodes and edges: read-only, with a class per mark and the mark in their names. */
export function decorate(view: DiffView, nodeName: (n: CanvasNode) => string, edgeName: (e: CanvasEdge) => string): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const nodes = view.doc.nodes.map((n) => {
    const mark = view.nodeMarks[n.id];
    return {
      ...n,
      selected: false,
      draggable: false,
      connectable: false,
      className: mark ? `diff-${mark}` : undefined,
      ariaLabel: `${nodeName(n)}${mark ? `, ${MARK_WORDS[mark]}` : ""}`,
    } as CanvasNode;
  });
  const edges = view.doc.edges.map((e) => {
    const mark = view.edgeMarks[e.id];
    return { ...e, selected: false, className: mark ? `diff-${mark}` : undefined, ariaLabel: `${edgeName(e)}${mark ? `, ${MARK_WORDS[mark]}` : ""}` } as CanvasEdge;
  });
  return { nodes, edges };
}

/** "3 changes: 1 added, 1 removed, 1 changed". */
export function summary(changes: readonly DiffChange[]): string {
  if (changes.length === 0) return "No changes";
  const count = (m: DiffMark) => changes.filter((c) => c.mark === m).length;
  const parts = (["added", "removed", "changed"] as const).filter((m) => count(m) > 0).map((m) => `${count(m)} ${m}`);
  return `${changes.length} ${changes.length === 1 ? "change" : "changes"}: ${parts.join(", ")}`;
}
