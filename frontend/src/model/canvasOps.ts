/** Pure edits of the canvas document; the editor store calls these and records history. */
import { END, START, type Position } from "./graphspec";
import {
  isStepNode,
  makeStepData,
  type CanvasDoc,
  type CanvasEdge,
  type CanvasEdgeData,
  type CanvasNode,
  type JsonObject,
  type RouteEdge,
  type StepNode,
  type StepNodeData,
} from "./canvas";
import { newEdgeId, newFanoutId, newNodeId, newRouteId } from "./ids";

export function addStepNode(doc: CanvasDoc, kind: string, label: string, position: Position, config: JsonObject = {}): { doc: CanvasDoc; id: string } {
  const id = newNodeId();
  const node: StepNode = { id, type: "step", position, data: makeStepData(kind, label, config) };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

/** Remove nodes and edges by id; START and END stay, and edges of removed nodes go too. */
export function removeElements(doc: CanvasDoc, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): CanvasDoc {
  const nodes = new Set([...nodeIds].filter((id) => id !== START && id !== END && doc.nodes.some((n) => n.id === id)));
  const edges = new Set([...edgeIds].filter((id) => doc.edges.some((e) => e.id === id)));
  if (nodes.size === 0 && edges.size === 0) return doc;
  const bp = doc.meta.breakpoints;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
    meta: {
      ...doc.meta,
      breakpoints: { before: bp.before.filter((id) => !nodes.has(id)), after: bp.after.filter((id) => !nodes.has(id)) },
    },
  };
}

function routesFrom(doc: CanvasDoc, source: string): RouteEdge[] {
  return doc.edges.filter((e): e is RouteEdge => e.type === "route" && e.source === source);
}

function nextOrder(doc: CanvasDoc, routeId: string): number {
  const orders = doc.edges.filter((e): e is RouteEdge => e.type === "route" && e.data?.routeId === routeId).map((e) => e.data!.order);
  return orders.length ? Math.max(...orders) + 1 : 0;
}

/**
 * Data for a new edge of route `routeId`: a route needs a default, so its first
 * edge becomes the default and later ones are labelled branches.
 */
function newRouteEdgeData(doc: CanvasDoc, routeId: string): RouteEdge["data"] & object {
  const mine = doc.edges.filter((e): e is RouteEdge => e.type === "route" && e.data?.routeId === routeId);
  const order = nextOrder(doc, routeId);
  if (!mine.some((e) => e.data!.isDefault)) {
    return { kind: "route", routeId, label: "", when: "", order, isDefault: true };
  }
  const n = mine.filter((e) => !e.data!.isDefault).length + 1;
  return { kind: "route", routeId, label: `branch ${n}`, when: "", order, isDefault: false };
}

function routeEdgeLabel(d: RouteEdge["data"] & object): string {
  return d.isDefault ? "default" : d.label || d.when || "branch";
}

/**
 * Connect two nodes. Router nodes (and nodes that already branch) get a new
 * labelled route branch; others a plain edge. Refuses duplicates, edges into
 * START and edges out of END.
 */
export function connect(doc: CanvasDoc, source: string, target: string): { doc: CanvasDoc; id: string | null } {
  if (target === START || source === END || source === target) return { doc, id: null };
  if (doc.edges.some((e) => e.source === source && e.target === target && e.type !== "route")) return { doc, id: null };
  const src = doc.nodes.find((n) => n.id === source);
  const branching = (src && isStepNode(src) && src.data.kind === "router") || routesFrom(doc, source).length > 0;
  if (branching) {
    const existing = routesFrom(doc, source)[0]?.data?.routeId ?? newRouteId();
    const data = newRouteEdgeData(doc, existing);
    const edge: RouteEdge = {
      id: `${existing}::${crypto.randomUUID().slice(0, 8)}`,
      type: "route",
      source,
      target,
      label: routeEdgeLabel(data),
      data,
    };
    return { doc: { ...doc, edges: [...doc.edges, edge] }, id: edge.id };
  }
  const id = newEdgeId();
  return { doc: { ...doc, edges: [...doc.edges, { id, type: "plain", source, target, data: { kind: "edge" } }] }, id };
}

export type EdgeKind = CanvasEdgeData["kind"];

/** Turn an edge into another kind (plain ⇄ route branch ⇄ fan-out), keeping its ends. */
export function changeEdgeKind(doc: CanvasDoc, edgeId: string, kind: EdgeKind): CanvasDoc {
  const edge = doc.edges.find((e) => e.id === edgeId);
  if (!edge || edge.data?.kind === kind) return doc;
  const { source, target } = edge;
  let next: CanvasEdge;
  if (kind === "edge") next = { id: newEdgeId(), type: "plain", source, target, data: { kind: "edge" } };
  else if (kind === "fanout") {
    next = { id: newFanoutId(), type: "fanout", source, target, label: "each item in items", data: { kind: "fanout", items: "items", as: "item" } };
  } else {
    const routeId = routesFrom(doc, source)[0]?.data?.routeId ?? newRouteId();
    const data = newRouteEdgeData(doc, routeId);
    next = {
      id: `${routeId}::${crypto.randomUUID().slice(0, 8)}`,
      type: "route",
      source,
      target,
      label: routeEdgeLabel(data),
      data,
    };
  }
  return { ...doc, edges: doc.edges.map((e) => (e.id === edgeId ? next : e)) };
}

/** Patch an edge's data; labels shown on the canvas follow the data. */
export function updateEdgeData(doc: CanvasDoc, edgeId: string, patch: Partial<Omit<CanvasEdgeData, "kind">>): CanvasDoc {
  return {
    ...doc,
    edges: doc.edges.map((e) => {
      if (e.id !== edgeId || !e.data) return e;
      const data = { ...e.data, ...patch } as CanvasEdgeData;
      const label =
        data.kind === "route" ? routeEdgeLabel(data) : data.kind === "fanout" ? `each ${data.as} in ${data.items}` : e.label;
      return { ...e, data, label } as CanvasEdge;
    }),
  };
}

/** Make one route branch the route's default (the others become ordinary branches). */
export function setRouteDefault(doc: CanvasDoc, edgeId: string): CanvasDoc {
  const edge = doc.edges.find((e): e is RouteEdge => e.id === edgeId && e.type === "route");
  if (!edge?.data) return doc;
  const routeId = edge.data.routeId;
  return {
    ...doc,
    edges: doc.edges.map((e) => {
      if (e.type !== "route" || e.data?.routeId !== routeId) return e;
      const isDefault = e.id === edgeId;
      const label = isDefault ? "" : e.data.isDefault ? "otherwise" : e.data.label;
      const data = { ...e.data, isDefault, label };
      return { ...e, label: routeEdgeLabel(data), data };
    }),
  };
}

/** Patch a step node's data; a patch that changes nothing (forms echo their value on mount) returns the same document. */
export function updateNodeData(doc: CanvasDoc, nodeId: string, patch: Partial<Pick<StepNodeData, "label" | "config" | "retry">>): CanvasDoc {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node || !isStepNode(node)) return doc;
  const data = node.data as Record<string, unknown>;
  if (Object.entries(patch).every(([k, v]) => JSON.stringify(data[k]) === JSON.stringify(v))) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.id === nodeId && isStepNode(n) ? ({ ...n, data: { ...n.data, ...patch } as StepNodeData } as StepNode) : n)),
  };
}

/** Move nodes; returns the same document when nothing actually moved (a click is not an edit). */
export function moveNodes(doc: CanvasDoc, positions: Record<string, Position>): CanvasDoc {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = positions[n.id];
    if (!p || (p.x === n.position.x && p.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: p.x, y: p.y } };
  });
  return changed ? { ...doc, nodes } : doc;
}

export function toggleBreakpoint(doc: CanvasDoc, nodeId: string, when: "before" | "after"): CanvasDoc {
  const list = doc.meta.breakpoints[when];
  const next = list.includes(nodeId) ? list.filter((x) => x !== nodeId) : [...list, nodeId];
  return { ...doc, meta: { ...doc.meta, breakpoints: { ...doc.meta.breakpoints, [when]: next } } };
}

export interface Clipboard {
  nodes: StepNode[];
  edges: CanvasEdge[];
}

/** Copy step nodes and the edges between them. */
export function copySelection(doc: CanvasDoc, nodeIds: Iterable<string>): Clipboard | null {
  const ids = new Set(nodeIds);
  const nodes = doc.nodes.filter((n): n is StepNode => ids.has(n.id) && isStepNode(n));
  if (nodes.length === 0) return null;
  const kept = new Set(nodes.map((n) => n.id));
  return { nodes: structuredClone(nodes), edges: structuredClone(doc.edges.filter((e) => kept.has(e.source) && kept.has(e.target))) };
}

/** Paste with fresh ids, offset so copies do not sit on their originals. */
export function paste(doc: CanvasDoc, clip: Clipboard, offset: Position = { x: 40, y: 40 }): { doc: CanvasDoc; ids: string[] } {
  const idMap = new Map<string, string>();
  const routeMap = new Map<string, string>();
  const nodes: CanvasNode[] = clip.nodes.map((n) => {
    const id = newNodeId();
    idMap.set(n.id, id);
    return { ...structuredClone(n), id, selected: true, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const edges: CanvasEdge[] = clip.edges.map((e) => {
    const source = idMap.get(e.source)!;
    const target = idMap.get(e.target)!;
    if (e.type === "route" && e.data) {
      let routeId = routeMap.get(e.data.routeId);
      if (!routeId) {
        routeId = newRouteId();
        routeMap.set(e.data.routeId, routeId);
      }
      return { ...structuredClone(e), id: `${routeId}::${crypto.randomUUID().slice(0, 8)}`, source, target, data: { ...e.data, routeId } };
    }
    if (e.type === "fanout") return { ...structuredClone(e), id: newFanoutId(), source, target };
    return { ...structuredClone(e), id: newEdgeId(), source, target };
  });
  const deselected = doc.nodes.map((n) => (n.selected ? { ...n, selected: false } : n));
  const oldEdges = doc.edges.map((e) => (e.selected ? { ...e, selected: false } : e));
  return { doc: { ...doc, nodes: [...deselected, ...nodes], edges: [...oldEdges, ...edges] }, ids: nodes.map((n) => n.id) };
}
