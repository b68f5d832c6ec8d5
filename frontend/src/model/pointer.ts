/** Map a validation problem's JSON pointer (into the spec) to what the canvas should focus. */
import type { GraphSpec } from "./graphspec";
import type { CanvasEdge, RouteEdge } from "./canvas";

export type ProblemTarget =
  | { type: "node"; id: string }
  | { type: "edge"; id: string }
  | { type: "route-branch"; routeId: string; branch: number | "default" }
  | { type: "state-field"; index: number; name?: string }
  | { type: "graph" };

/** RFC 6901 pointer → unescaped segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  const body = pointer.startsWith("#") ? decodeURIComponent(pointer.slice(1)) : pointer;
  if (!body.startsWith("/")) return [body];
  return body
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function index(seg: string | undefined): number | null {
  if (seg === undefined || !/^\d+$/.test(seg)) return null;
  return Number(seg);
}

/**
 * Resolve against the spec that was validated: /nodes/3/... → node id,
 * /edges/1 → edge id, /routes/0/branches/2 → that branch's edge, /routes/0/default,
 * /fanouts/0 → fan-out edge, /state/fields/1 → state field, anything else → graph.
 */
export function problemTarget(pointer: string, spec: GraphSpec): ProblemTarget {
  const [section, i, sub, j] = parsePointer(pointer);
  const n = index(i);
  switch (section) {
    case "nodes": {
      const node = n !== null ? spec.nodes[n] : undefined;
      return node ? { type: "node", id: node.id } : { type: "graph" };
    }
    case "edges": {
      const edge = n !== null ? spec.edges[n] : undefined;
      return edge ? { type: "edge", id: edge.id } : { type: "graph" };
    }
    case "routes": {
      const route = n !== null ? spec.routes?.[n] : undefined;
      if (!route) return { type: "graph" };
      const b = index(j);
      if (sub === "branches" && b !== null && b < route.branches.length) return { type: "route-branch", routeId: route.id, branch: b };
      if (sub === "default" && route.default) return { type: "route-branch", routeId: route.id, branch: "default" };
      // The route as a whole: focus its source node.
      return { type: "node", id: route.source };
    }
    case "fanouts": {
      const f = n !== null ? spec.fanouts?.[n] : undefined;
      return f ? { type: "edge", id: f.id } : { type: "graph" };
    }
    case "state": {
      const k = index(sub);
      if (i === "fields" && k !== null) return { type: "state-field", index: k, name: spec.state.fields[k]?.name };
      return { type: "graph" };
    }
    case "breakpoints": {
      const k = index(sub);
      const id = (i === "before" || i === "after") && k !== null ? spec.breakpoints?.[i]?.[k] : undefined;
      return id ? { type: "node", id } : { type: "graph" };
    }
    default:
      return { type: "graph" };
  }
}

/** The canvas edge for branch `branch` of route `routeId`, in the order canvasToSpec writes them. */
export function findRouteEdge(edges: readonly CanvasEdge[], routeId: string, branch: number | "default"): RouteEdge | undefined {
  const mine = edges.filter((e): e is RouteEdge => e.type === "route" && e.data?.routeId === routeId);
  if (branch === "default") return mine.find((e) => e.data!.isDefault);
  return mine.filter((e) => !e.data!.isDefault).sort((a, b) => a.data!.order - b.data!.order)[branch];
}
