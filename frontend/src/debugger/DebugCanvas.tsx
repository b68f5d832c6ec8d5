import { useEffect, useMemo, useState } from "react";
import { applyNodeChanges, Background, Controls, MiniMap, Panel, ReactFlow } from "@xyflow/react";
import { withEdgeNames, withNodeNames } from "../canvas/a11y";
import { forgetPresetHandles, MINIMAP_STYLE, measuredIds, withFrames } from "../canvas/frames";
import { nodeTypes } from "../canvas/nodes";
import { edgeTypes } from "../canvas/edges";
import { CanvasDecorContext, type CanvasDecor } from "../canvas/decor";
import type { CanvasDoc, CanvasEdge, CanvasNode } from "../model/canvas";
import { isStepNode } from "../model/canvas";
import { useDebugger, useDebuggerApi } from "./DebuggerContext";
import { selectedSnapshots } from "./store";
import { nodeStatusesAt } from "../model/statusAt";

const STATUS_COLORS = { idle: "#cbd5e1", running: "#2563eb", finished: "#16a34a", failed: "#dc2626", waiting: "#d97706" } as const;

/**
 * The graph, read-only, coloured by live node status; clicking a node toggles a breakpoint
 * (unless `readOnly`, as on a share link, where nothing is set for a next run).
 */
export function DebugCanvas({ doc, kindTitles, readOnly = false }: { doc: CanvasDoc; kindTitles: Record<string, string>; readOnly?: boolean }) {
  const api = useDebuggerApi();
  const live = useDebugger((s) => s.debug.nodes);
  const log = useDebugger((s) => s.debug.log);
  const before = useDebugger((s) => s.breakpointsBefore);
  const after = useDebugger((s) => s.breakpointsAfter);
  const history = useDebugger((s) => s.history);
  const selected = useDebugger((s) => s.selected);
  const viewed = selectedSnapshots({ history, selected }).current;
  const next = viewed?.next;
  // Looking at an earlier checkpoint: the nodes as they were then, not the latest run's.
  const status = useMemo(() => (selected ? nodeStatusesAt(log, history, selected) : live), [selected, log, history, live]);
  // Local copy so React Flow can record measured sizes (the minimap needs them).
  const [nodes, setNodes] = useState<CanvasNode[]>(() => withFrames(doc.nodes));
  useEffect(() => setNodes(withFrames(doc.nodes)), [doc.nodes]);
  const decor = useMemo<CanvasDecor>(
    () => ({
      status,
      problems: {},
      breakpointsBefore: new Set(before),
      breakpointsAfter: new Set(after),
      kindTitles,
      highlighted: new Set(selected ? (next ?? []) : []),
    }),
    [status, before, after, kindTitles, next, selected],
  );
  const named = useMemo(() => withNodeNames(nodes, kindTitles, status), [nodes, kindTitles, status]);
  const edges = useMemo(() => withEdgeNames(doc.edges, doc.nodes), [doc.edges, doc.nodes]);
  return (
    <CanvasDecorContext.Provider value={decor}>
      <div className="canvas">
        <ReactFlow<CanvasNode, CanvasEdge>
          nodes={named}
          onNodesChange={(c) => setNodes((n) => forgetPresetHandles(applyNodeChanges(c, n), measuredIds(c)))}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          onNodeClick={readOnly ? undefined : (_, n) => isStepNode(n) && api.getState().toggleBreakpoint(n.id, "before")}
          fitView
          fitViewOptions={{ padding: 0.2, maxZoom: 1.2 }}
          defaultEdgeOptions={{ markerEnd: { type: "arrowclosed" as never, width: 16, height: 16 } }}
          proOptions={{ hideAttribution: true }}
          aria-label={readOnly ? "Graph canvas" : "Graph canvas (click a node to toggle a breakpoint)"}
        >
          {!readOnly && (
            <Panel position="top-left" className="canvas-hint">
              Click a node to pause before it on the next run
            </Panel>
          )}
          {selected && (
            <Panel position="top-right" className="canvas-hint canvas-viewing" aria-live="polite">
              <span>
                Node statuses as of step {viewed?.metadata.step ?? "?"}
                {viewed?.metadata.source ? ` (${viewed.metadata.source})` : ""}
              </span>
              <button type="button" className="btn btn-sm" onClick={() => api.getState().select(null)}>
                Show latest
              </button>
            </Panel>
          )}
          <Background gap={20} size={1} />
          <MiniMap pannable zoomable ariaLabel="Minimap" nodeColor={(n) => STATUS_COLORS[status[n.id]?.status ?? "idle"]} style={MINIMAP_STYLE} />
          <Controls showInteractive={false} aria-label="Zoom controls" />
        </ReactFlow>
      </div>
    </CanvasDecorContext.Provider>
  );
}
