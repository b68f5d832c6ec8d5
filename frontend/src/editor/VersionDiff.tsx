/** The version diff on the canvas (read-only) and its list of changes beside it. */
import { useEffect, useMemo } from "react";
import { Background, Controls, MiniMap, Panel, ReactFlow, useReactFlow, type Node, type ProOptions } from "@xyflow/react";
import { nodeTypes } from "../canvas/nodes";
import { edgeTypes } from "../canvas/edges";
import { CanvasDecorContext, type CanvasDecor } from "../canvas/decor";
import { edgeName, nodeName } from "../canvas/a11y";
import { MINIMAP_STYLE, withFrames } from "../canvas/frames";
import { isStepNode, type CanvasEdge, type CanvasNode } from "../model/canvas";
import { useCatalog, useEditor, useEditorApi } from "./EditorContext";
import { decorate, summary, type DiffMark } from "./versionDiff";
import "./diff.css";

const PRO_OPTIONS: ProOptions = { hideAttribution: true };
const FIT = { padding: 0.2, maxZoom: 1.2, minZoom: 0.6 };
const MARK_COLOR: Record<DiffMark, string> = { added: "#16a34a", removed: "#dc2626", changed: "#d97706" };
const minimapColor = (n: Node) => {
  const m = /diff-(added|removed|changed)/.exec(n.className ?? "");
  return m ? MARK_COLOR[m[1] as DiffMark] : "#cbd5e1";
};

export function DiffCanvas() {
  const diff = useEditor((s) => s.diff);
  const { kinds } = useCatalog();
  const flow = useReactFlow();
  const kindTitles = useMemo(() => Object.fromEntries(kinds.map((k) => [k.kind, k.title])), [kinds]);
  const view = diff?.view;
  const focusId = diff?.focus?.id ?? null;
  const { nodes, edges } = useMemo(() => {
    if (!view) return { nodes: [] as CanvasNode[], edges: [] as CanvasEdge[] };
    const labels = new Map(view.doc.nodes.map((n) => [n.id, isStepNode(n) ? n.data.label : n.type === "start" ? "Start" : "End"]));
    const framed = { ...view, doc: { ...view.doc, nodes: withFrames(view.doc.nodes) } };
    return decorate(framed, (n) => nodeName(n, kindTitles), (e) => edgeName(e, (id) => labels.get(id) ?? id));
  }, [view, kindTitles]);
  const decor = useMemo<CanvasDecor>(
    () => ({ status: {}, problems: {}, breakpointsBefore: new Set(), breakpointsAfter: new Set(), kindTitles, highlighted: new Set(focusId ? [focusId] : []) }),
    [kindTitles, focusId],
  );
  useEffect(() => {
    if (diff?.focus) void flow.fitView({ nodes: [{ id: diff.focus.id }], duration: 300, maxZoom: 1.3, padding: 0.4 });
  }, [diff?.focus, flow]);
  if (!diff) return null;
  return (
    <CanvasDecorContext.Provider value={decor}>
      <div className="canvas diff-canvas">
        <ReactFlow<CanvasNode, CanvasEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          edgesReconnectable={false}
          deleteKeyCode={null}
          fitView
          fitViewOptions={FIT}
          minZoom={0.1}
          proOptions={PRO_OPTIONS}
          aria-label={`Diff of ${diff.fromLabel} and ${diff.toLabel}`}
        >
          <Panel position="top-left" className="diff-legend" aria-label="Diff legend">
            <strong>
              {diff.fromLabel} → {diff.toLabel}
            </strong>
            <span className="diff-key diff-key-added">added</span>
            <span className="diff-key diff-key-removed">removed (from {diff.fromLabel})</span>
            <span className="diff-key diff-key-changed">changed</span>
          </Panel>
          <Background gap={20} size={1} />
          <MiniMap pannable zoomable ariaLabel="Minimap" nodeColor={minimapColor} style={MINIMAP_STYLE} />
          <Controls showInteractive={false} fitViewOptions={FIT} aria-label="Zoom controls" />
        </ReactFlow>
      </div>
    </CanvasDecorContext.Provider>
  );
}

/** The side list: every change, clickable to focus its node; and the way back to editing. */
export function DiffChanges() {
  const api = useEditorApi();
  const diff = useEditor((s) => s.diff);
  if (!diff) return null;
  const { changes } = diff.view;
  return (
    <aside className="side-panel diff-panel" aria-label="Version diff">
      <div className="diff-panel-head">
        <h2>
          {diff.fromLabel} → {diff.toLabel}
        </h2>
        <button type="button" className="btn btn-primary btn-sm" onClick={() => api.getState().closeDiff()}>
          Close diff
        </button>
      </div>
      <p className="muted" role="status">
        {summary(changes)}. The canvas is read-only while comparing.
      </p>
      {changes.length === 0 ? (
        <p className="empty-inline">The two sides are the same graph.</p>
      ) : (
        <ul className="diff-changes" aria-label="Changes">
          {changes.map((c) => {
            const body = (
              <>
                <span className={`diff-badge diff-badge-${c.mark}`}>{c.mark}</span>
                <span className="diff-change-text">
                  <span className="diff-change-title">{c.title}</span>
                  {c.details.map((d, i) => (
                    <span key={i} className="diff-change-detail mono">
                      {d}
                    </span>
                  ))}
                </span>
              </>
            );
            return (
              <li key={c.key}>
                {c.nodeId ? (
                  <button
                    type="button"
                    className={`diff-change diff-change-${c.mark}`}
                    aria-label={`${c.title}, ${c.mark}: ${c.details.join("; ")}`}
                    onClick={() => api.getState().focusDiffNode(c.nodeId!)}
                  >
                    {body}
                  </button>
                ) : (
                  <div className={`diff-change diff-change-${c.mark}`}>{body}</div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}
