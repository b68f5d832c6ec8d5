/**
 * Accessible names for the canvas's focusable nodes and edges. React Flow puts them on
 * its own wrappers (role "group", tabindex 0) from `ariaLabel`; without one a screen
 * reader hears "group" (nodes) or an edge's ids. The labelled copies are cached per
 * object, so unchanged nodes keep their identity and React Flow does not re-adopt them.
 */
import type { NodeRunInfo } from "../model/events";
import type { CanvasEdge, CanvasNode } from "../model/canvas";
import { isStepNode, specKindOf } from "../model/canvas";

const cache = new WeakMap<object, { label: string; out: object }>();

function labelled<T extends { ariaLabel?: string }>(item: T, label: string): T {
  if (item.ariaLabel === label) return item;
  const hit = cache.get(item);
  if (hit && hit.label === label) return hit.out as T;
  const out = { ...item, ariaLabel: label };
  cache.set(item, { label, out });
  return out;
}

const STATUS_WORDS: Record<string, string> = { running: "running", finished: "finished", failed: "failed", waiting: "waiting for review" };

/** "Draft reply, LLM node, finished": what the node's card says. */
export function nodeName(n: CanvasNode, kindTitles: Record<string, string>, run?: NodeRunInfo): string {
  if (!isStepNode(n)) return n.type === "start" ? "Start" : "End";
  const kind = specKindOf(n.data);
  const status = run ? STATUS_WORDS[run.status] : undefined;
  return `${n.data.label}, ${kindTitles[kind] ?? kind} node${status ? `, ${status}` : ""}`;
}

/** "Route bug from Classify ticket to Escalate": the edge in the graph's words. */
export function edgeName(e: CanvasEdge, labelOf: (id: string) => string): string {
  const ends = `from ${labelOf(e.source)} to ${labelOf(e.target)}`;
  if (e.type === "route" && e.data) return `${e.data.isDefault ? "Default route" : `Route ${e.data.label || e.data.when || "branch"}`} ${ends}`;
  if (e.type === "fanout" && e.data) return `Fan-out over ${e.data.items} ${ends}`;
  return `Edge ${ends}`;
}

export function withNodeNames(nodes: CanvasNode[], kindTitles: Record<string, string>, status: Record<string, NodeRunInfo> = {}): CanvasNode[] {
  return nodes.map((n) => labelled(n, nodeName(n, kindTitles, status[n.id])));
}

export function withEdgeNames(edges: CanvasEdge[], nodes: readonly CanvasNode[]): CanvasEdge[] {
  const names = new Map(nodes.map((n) => [n.id, isStepNode(n) ? n.data.label : n.type === "start" ? "Start" : "End"]));
  const labelOf = (id: string) => names.get(id) ?? id;
  return edges.map((e) => labelled(e, edgeName(e, labelOf)));
}
