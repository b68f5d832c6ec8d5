import { startTransition, useCallback, useEffect, useMemo, useState } from "react";
import {
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  type Connection,
  type DefaultEdgeOptions,
  type EdgeChange,
  type Node,
  type NodeChange,
  type ProOptions,
} from "@xyflow/react";
import { useEditor, useEditorApi, useCatalog } from "./EditorContext";
import { useDragAndDrop } from "./hooks/useDragAndDrop";
import { nodeTypes } from "../canvas/nodes";
import { edgeTypes } from "../canvas/edges";
import { CanvasDecorContext, type CanvasDecor } from "../canvas/decor";
import { withEdgeNames, withNodeNames } from "../canvas/a11y";
import { MINIMAP_STYLE } from "../canvas/frames";
import { kindStyle } from "../canvas/kinds";
import { problemTarget, findRouteEdge } from "../model/pointer";
import type { Severity } from "../api/types";
import type { CanvasEdge, CanvasNode } from "../model/canvas";
import { isStepNode, specKindOf } from "../model/canvas";

const MINIMAP_DELAY_MS = 900;
const FIT_OPTIONS = { padding: 0.2, maxZoom: 1.2 };
// On opening, a big graph is not shrunk until its text is unreadable (~7px at 0.3): the
// view starts at a legible zoom around the graph's centre, and the user scrolls or zooms out.
const INITIAL_FIT_OPTIONS = { ...FIT_OPTIONS, minZoom: 0.6 };
// Props React Flow compares by identity: new objects on every render would make it
// re-sync its store (and re-register key listeners) on every drag tick.
const MULTI_SELECT_KEYS = ["Meta", "Control"];
const DEFAULT_EDGE_OPTIONS: DefaultEdgeOptions = { markerEnd: { type: "arrowclosed" as never, width: 16, height: 16 } };
const PRO_OPTIONS: ProOptions = { hideAttribution: true };
const minimapColor = (n: Node) => (n.type === "step" ? kindStyle(specKindOf((n as CanvasNode).data)).color : "#94a3b8");

export function EditorCanvas() {
  const api = useEditorApi();
  const doc = useEditor((s) => s.history.present);
  const readOnly = useEditor((s) => s.readOnly);
  const problems = useEditor((s) => s.problems);
  const problemsSpec = useEditor((s) => s.problemsSpec);
  const focus = useEditor((s) => s.focus);
  const { kinds } = useCatalog();
  const { onDragOver, onDrop } = useDragAndDrop();
  const flow = useReactFlow();
  const onNodesChange = useCallback((c: NodeChange<CanvasNode>[]) => api.getState().onNodesChange(c), [api]);
  const onEdgesChange = useCallback((c: EdgeChange<CanvasEdge>[]) => api.getState().onEdgesChange(c), [api]);
  const onConnect = useCallback((c: Connection) => api.getState().connect(c.source, c.target), [api]);
  const onNodeDoubleClick = useCallback(() => api.getState().setTab("properties"), [api]);

  // As a string, so a validation that finds the same problems (a new array, a new spec)
  // does not re-render every node.
  const problemsKey = useMemo(() => {
    const bad: Record<string, Severity> = {};
    if (problemsSpec) {
      for (const p of problems) {
        const t = problemTarget(p.pointer, problemsSpec);
        if (t.type === "node" && bad[t.id] !== "error") bad[t.id] = p.severity;
      }
    }
    return JSON.stringify(bad);
  }, [problems, problemsSpec]);
  const decor = useMemo<CanvasDecor>(
    () => ({
      status: {},
      problems: JSON.parse(problemsKey) as Record<string, Severity>,
      breakpointsBefore: new Set(doc.meta.breakpoints.before),
      breakpointsAfter: new Set(doc.meta.breakpoints.after),
      kindTitles: Object.fromEntries(kinds.map((k) => [k.kind, k.title])),
      highlighted: new Set(),
    }),
    [problemsKey, doc.meta.breakpoints, kinds],
  );

  // Accessible names on React Flow's focusable wrappers. Edge names change only with node
  // labels, so a drag (new node positions) hands React Flow the same edges array.
  const hasSteps = doc.nodes.some(isStepNode);
  const nodes = useMemo(() => withNodeNames(doc.nodes, decor.kindTitles), [doc.nodes, decor.kindTitles]);
  const labelKey = useMemo(() => doc.nodes.map((n) => `${n.id}\u0001${n.data.label}`).join("\u0000"), [doc.nodes]);
  const edges = useMemo(
    () => withEdgeNames(doc.edges, api.getState().history.present.nodes),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- labelKey stands for the nodes' labels
    [doc.edges, labelKey, api],
  );

  // The minimap (one shape per node) is not needed to start working: mount it once the
  // canvas has painted and the first click can be handled, at low priority.
  const [showMiniMap, setShowMiniMap] = useState(false);
  useEffect(() => {
    let idle: number | null = null;
    const show = () => startTransition(() => setShowMiniMap(true));
    const t = setTimeout(() => {
      if (typeof requestIdleCallback === "function") idle = requestIdleCallback(show, { timeout: 1000 });
      else show();
    }, MINIMAP_DELAY_MS);
    return () => {
      clearTimeout(t);
      if (idle !== null) cancelIdleCallback(idle);
    };
  }, []);

  // A problem was clicked (or something asked for focus): bring it into view.
  useEffect(() => {
    if (!focus) return;
    const d = api.getState().history.present;
    let ids: string[] = [];
    if (focus.kind === "node") ids = [focus.id];
    else {
      const e = d.edges.find((x) => x.id === focus.id);
      if (e) ids = [e.source, e.target];
    }
    if (ids.length) void flow.fitView({ nodes: ids.map((id) => ({ id })), duration: 300, maxZoom: 1.3, padding: 0.4 });
  }, [focus, api, flow]);

  return (
    <CanvasDecorContext.Provider value={decor}>
      <div className="canvas" onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<CanvasNode, CanvasEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onNodeDoubleClick={onNodeDoubleClick}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          edgesReconnectable={false}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          fitView
          fitViewOptions={INITIAL_FIT_OPTIONS}
          minZoom={0.1}
          defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
          proOptions={PRO_OPTIONS}
          aria-label="Graph canvas"
        >
          {!readOnly && !hasSteps && (
            <Panel position="top-center" className="canvas-hint canvas-empty">
              Drag a node kind from the left onto the canvas to add the first step
            </Panel>
          )}
          <Background gap={20} size={1} />
          {showMiniMap && <MiniMap pannable zoomable ariaLabel="Minimap" nodeColor={minimapColor} style={MINIMAP_STYLE} />}
          <Controls showInteractive={false} fitViewOptions={FIT_OPTIONS} aria-label="Zoom controls" />
        </ReactFlow>
      </div>
    </CanvasDecorContext.Provider>
  );
}

/** Focus whatever a validation problem's JSON pointer points at. */
export function focusProblem(api: ReturnType<typeof useEditorApi>, pointer: string): void {
  const s = api.getState();
  if (!s.problemsSpec) return;
  const t = problemTarget(pointer, s.problemsSpec);
  switch (t.type) {
    case "node":
      s.focusElement("node", t.id);
      s.setTab("properties");
      break;
    case "edge":
      s.focusElement("edge", t.id);
      s.setTab("properties");
      break;
    case "route-branch": {
      const e = findRouteEdge(s.history.present.edges, t.routeId, t.branch);
      if (e) {
        s.focusElement("edge", e.id);
        s.setTab("properties");
      }
      break;
    }
    case "state-field":
      s.highlightField(t.index);
      break;
    case "graph":
      s.select({});
      s.setTab("properties");
      break;
  }
}
