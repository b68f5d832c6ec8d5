/** What the editor needs before it can show a graph: the graph and the node-kind catalog. */
import { getGraph } from "../api/graphs";
import { fetchNodeKinds } from "../api/nodeKinds";
import type { GraphDetail, NodeKindInfo } from "../api/types";
import { preload, takePreloaded } from "../app/preload";
import { FALLBACK_KINDS } from "./catalog";

export interface LoadedGraph {
  graph: GraphDetail;
  kinds: NodeKindInfo[];
  catalogFallback: boolean;
}

async function fetchEditorData(graphId: string, signal?: AbortSignal): Promise<LoadedGraph> {
  const [graph, kinds] = await Promise.all([
    getGraph(graphId, signal),
    fetchNodeKinds(signal).then(
      (k) => ({ kinds: k, fallback: false }),
      () => ({ kinds: FALLBACK_KINDS, fallback: true }),
    ),
  ]);
  return { graph, kinds: kinds.kinds.length ? kinds.kinds : FALLBACK_KINDS, catalogFallback: kinds.fallback || kinds.kinds.length === 0 };
}

const key = (graphId: string) => `editor:${graphId}`;

/** Start loading a graph for the editor now (on a full page load, before React renders). */
export function preloadEditorData(graphId: string): void {
  preload(key(graphId), () => fetchEditorData(graphId));
}

/** The graph and catalog: what was preloaded for this graph, else a fresh fetch. */
export function loadEditorData(graphId: string, signal: AbortSignal): Promise<LoadedGraph> {
  return takePreloaded<LoadedGraph>(key(graphId)) ?? fetchEditorData(graphId, signal);
}
