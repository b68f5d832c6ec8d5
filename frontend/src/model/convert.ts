/** Pure conversion between the canvas model and GraphSpec v1. */
import {
  END,
  START,
  type GraphSpec,
  type Position,
  type RouteBranch,
  type SpecEdge,
  type SpecFanout,
  type SpecNode,
  type SpecRoute,
} from "./graphspec";
import {
  isStepNode,
  makeStepData,
  specKindOf,
  type CanvasDoc,
  type CanvasEdge,
  type CanvasNode,
  type FanoutEdge,
  type JsonObject,
  type PlainEdge,
  type RouteEdge,
} from "./canvas";

/** START and END are not spec nodes; their canvas positions live in spec metadata under this key. */
export const TERMINAL_POSITIONS_KEY = "canvas_positions";

const KNOWN_TOP_LEVEL = new Set([
  "spec_version",
  "name",
  "description",
  "state",
  "nodes",
  "edges",
  "routes",
  "fanouts",
  "breakpoints",
  "metadata",
]);

export function routeEdgeId(routeId: string, branch: number | "default"): string {
  return `${routeId}::${branch === "default" ? "default" : `b${branch}`}`;
}

function clonePosition(p: Position): Position {
  return { x: p.x, y: p.y };
}

function fallbackPosition(index: number): Position {
  return { x: 220 + (index % 4) * 240, y: 80 + Math.floor(index / 4) * 140 };
}

/** GraphSpec → canvas. Positions are kept; missing ones get a simple grid. */
export function specToCanvas(spec: GraphSpec): CanvasDoc {
  const metadata: JsonObject = { ...(spec.metadata ?? {}) };
  const terminal = (metadata[TERMINAL_POSITIONS_KEY] ?? {}) as Record<string, Position | undefined>;
  delete metadata[TERMINAL_POSITIONS_KEY];

  const stepNodes: CanvasNode[] = spec.nodes.map((n, i) => ({
    id: n.id,
    type: "step",
    position: n.position ? clonePosition(n.position) : fallbackPosition(i),
    data: makeStepData(
      n.kind,
      n.label ?? n.id,
      structuredClone(n.config ?? {}),
      n.retry && structuredClone(n.retry),
      n.metadata && structuredClone(n.metadata),
    ),
  }));
  const xs = stepNodes.map((n) => n.position.x);
  const ys = stepNodes.map((n) => n.position.y);
  const minX = xs.length ? Math.min(...xs) : 220;
  const maxX = xs.length ? Math.max(...xs) : 220;
  const midY = ys.length ? (Math.min(...ys) + Math.max(...ys)) / 2 : 80;
  const nodes: CanvasNode[] = [
    {
      id: START,
      type: "start",
      position: terminal[START] ? clonePosition(terminal[START]) : { x: minX - 220, y: midY },
      data: { kind: "__start__", label: "Start" },
      deletable: false,
    },
    ...stepNodes,
    {
      id: END,
      type: "end",
      position: terminal[END] ? clonePosition(terminal[END]) : { x: maxX + 260, y: midY },
      data: { kind: "__end__", label: "End" },
      deletable: false,
    },
  ];

  const edges: CanvasEdge[] = [];
  for (const e of spec.edges) {
    const data: PlainEdge["data"] = e.metadata ? { kind: "edge", metadata: structuredClone(e.metadata) } : { kind: "edge" };
    edges.push({ id: e.id, type: "plain", source: e.source, target: e.target, data } satisfies PlainEdge);
  }
  for (const r of spec.routes ?? []) {
    const meta = r.metadata ? { routeMetadata: structuredClone(r.metadata) } : {};
    r.branches.forEach((b, i) => {
      edges.push({
        id: routeEdgeId(r.id, i),
        type: "route",
        source: r.source,
        target: b.target,
        label: b.label || b.when,
        data: { kind: "route", routeId: r.id, label: b.label ?? "", when: b.when, order: i, isDefault: false, ...meta },
      } satisfies RouteEdge);
    });
    if (r.default) {
      edges.push({
        id: routeEdgeId(r.id, "default"),
        type: "route",
        source: r.source,
        target: r.default,
        label: "default",
        data: { kind: "route", routeId: r.id, label: "", when: "", order: r.branches.length, isDefault: true, ...meta },
      } satisfies RouteEdge);
    }
  }
  for (const f of spec.fanouts ?? []) {
    edges.push({
      id: f.id,
      type: "fanout",
      source: f.source,
      target: f.target,
      label: `each ${f.as ?? "item"} in ${f.items}`,
      data: { kind: "fanout", items: f.items, as: f.as ?? "item", ...(f.metadata ? { metadata: structuredClone(f.metadata) } : {}) },
    } satisfies FanoutEdge);
  }

  const extra: JsonObject = {};
  for (const [k, v] of Object.entries(spec)) if (!KNOWN_TOP_LEVEL.has(k)) extra[k] = structuredClone(v);

  return {
    nodes,
    edges,
    state: structuredClone(spec.state?.fields ?? []),
    meta: {
      name: spec.name,
      description: spec.description ?? "",
      breakpoints: {
        before: [...(spec.breakpoints?.before ?? [])],
        after: [...(spec.breakpoints?.after ?? [])],
      },
      metadata: structuredClone(metadata),
      extra,
    },
  };
}

function roundPosition(p: Position): Position {
  // Dragging yields sub-pixel floats; whole pixels keep the stored spec tidy and diffs small.
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

/** Canvas → GraphSpec. Route edges regroup by routeId in order; fan-outs become `fanouts`. */
export function canvasToSpec(doc: CanvasDoc): GraphSpec {
  const nodes: SpecNode[] = [];
  const terminal: Record<string, Position> = {};
  for (const n of doc.nodes) {
    if (!isStepNode(n)) {
      terminal[n.id] = roundPosition(n.position);
      continue;
    }
    const node: SpecNode = {
      id: n.id,
      kind: specKindOf(n.data),
      label: n.data.label,
      config: structuredClone(n.data.config),
      position: roundPosition(n.position),
    };
    if (n.data.retry) node.retry = structuredClone(n.data.retry);
    if (n.data.metadata) node.metadata = structuredClone(n.data.metadata);
    nodes.push(node);
  }

  const edges: SpecEdge[] = [];
  const fanouts: SpecFanout[] = [];
  const routes = new Map<
    string,
    { source: string; branches: { order: number; b: RouteBranch }[]; default: string | null; metadata?: JsonObject }
  >();
  for (const e of doc.edges) {
    switch (e.type) {
      case "plain": {
        const edge: SpecEdge = { id: e.id, source: e.source, target: e.target };
        if (e.data?.metadata) edge.metadata = structuredClone(e.data.metadata);
        edges.push(edge);
        break;
      }
      case "fanout": {
        const f: SpecFanout = { id: e.id, source: e.source, items: e.data?.items ?? "", target: e.target, as: e.data?.as || "item" };
        if (e.data?.metadata) f.metadata = structuredClone(e.data.metadata);
        fanouts.push(f);
        break;
      }
      case "route": {
        const d = e.data;
        if (!d) break;
        let r = routes.get(d.routeId);
        if (!r) {
          r = { source: e.source, branches: [], default: null };
          routes.set(d.routeId, r);
        }
        if (d.routeMetadata && !r.metadata) r.metadata = structuredClone(d.routeMetadata);
        if (d.isDefault) r.default = e.target;
        else {
          // The schema wants a non-empty label or none at all.
          const b: RouteBranch = d.label ? { label: d.label, when: d.when, target: e.target } : { when: d.when, target: e.target };
          r.branches.push({ order: d.order, b });
        }
        break;
      }
    }
  }
  const specRoutes: SpecRoute[] = [...routes.entries()].map(([id, r]) => {
    const route: SpecRoute = {
      id,
      source: r.source,
      branches: r.branches.sort((a, b) => a.order - b.order).map((x) => x.b),
    };
    if (r.default !== null) route.default = r.default;
    if (r.metadata) route.metadata = r.metadata;
    return route;
  });

  const metadata: JsonObject = { ...structuredClone(doc.meta.metadata) };
  if (Object.keys(terminal).length) metadata[TERMINAL_POSITIONS_KEY] = terminal;

  return {
    ...structuredClone(doc.meta.extra),
    spec_version: 1,
    name: doc.meta.name,
    description: doc.meta.description,
    state: { fields: structuredClone(doc.state) },
    nodes,
    edges,
    routes: specRoutes,
    fanouts,
    breakpoints: { before: [...doc.meta.breakpoints.before], after: [...doc.meta.breakpoints.after] },
    metadata,
  };
}

/** Whether two documents may give different specs: false means `canvasToSpec` of both is
 *  equal (only selection, measured sizes or other view state differ). A cheap O(n)
 *  reference check, so store subscribers can skip re-serialising the spec on a click. */
export function specMayDiffer(a: CanvasDoc, b: CanvasDoc): boolean {
  if (a === b) return false;
  if (a.meta !== b.meta || a.state !== b.state) return true;
  if (a.nodes !== b.nodes) {
    if (a.nodes.length !== b.nodes.length) return true;
    for (let i = 0; i < a.nodes.length; i++) {
      const x = a.nodes[i]!;
      const y = b.nodes[i]!;
      if (x === y) continue;
      if (x.id !== y.id || x.type !== y.type || x.data !== y.data || x.position.x !== y.position.x || x.position.y !== y.position.y) return true;
    }
  }
  if (a.edges !== b.edges) {
    if (a.edges.length !== b.edges.length) return true;
    for (let i = 0; i < a.edges.length; i++) {
      const x = a.edges[i]!;
      const y = b.edges[i]!;
      if (x === y) continue;
      if (x.id !== y.id || x.type !== y.type || x.data !== y.data || x.source !== y.source || x.target !== y.target) return true;
    }
  }
  return false;
}
