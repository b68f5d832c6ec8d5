import { memo } from "react";
import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type EdgeProps, type ReactFlowState } from "@xyflow/react";
import type { FanoutEdge, PlainEdge, RouteEdge } from "../model/canvas";

function useBezier(p: EdgeProps) {
  return getBezierPath({
    sourceX: p.sourceX,
    sourceY: p.sourceY,
    sourcePosition: p.sourcePosition,
    targetX: p.targetX,
    targetY: p.targetY,
    targetPosition: p.targetPosition,
  });
}

export const PlainEdgeView = memo(function PlainEdgeView(props: EdgeProps<PlainEdge>) {
  const [path] = useBezier(props);
  return <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} className={props.selected ? "edge-selected" : ""} />;
});

/** Below this zoom a label's text is a few pixels high: not drawn (its edge still is). */
export const LABEL_MIN_ZOOM = 0.35;
const labelsLegible = (s: ReactFlowState) => s.transform[2] >= LABEL_MIN_ZOOM;

/** Whether an edge's label is worth a DOM element: legible at this zoom, or the edge is selected. */
function useLabelShown(selected: boolean | undefined): boolean {
  return useStore(labelsLegible) || Boolean(selected);
}

function EdgeLabel({ x, y, className, children }: { x: number; y: number; className: string; children: string }) {
  return (
    <EdgeLabelRenderer>
      <div className={`edge-label ${className} nodrag nopan`} style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}>
        {children}
      </div>
    </EdgeLabelRenderer>
  );
}

/** A conditional branch: dashed, with its label (or "default") on the line. */
export const RouteEdgeView = memo(function RouteEdgeView(props: EdgeProps<RouteEdge>) {
  const [path, x, y] = useBezier(props);
  const d = props.data;
  const text = d?.isDefault ? "default" : d?.label || d?.when || "branch";
  const shown = useLabelShown(props.selected);
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} className={`edge-route${d?.isDefault ? " edge-route-default" : ""}${props.selected ? " edge-selected" : ""}`} />
      {shown && (
        <EdgeLabel x={x} y={y} className={`edge-label-route${props.selected ? " is-selected" : ""}`}>
          {text}
        </EdgeLabel>
      )}
    </>
  );
});

/** A fan-out: a thick double line saying which list it maps over. */
export const FanoutEdgeView = memo(function FanoutEdgeView(props: EdgeProps<FanoutEdge>) {
  const [path, x, y] = useBezier(props);
  const d = props.data;
  const shown = useLabelShown(props.selected);
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} className={`edge-fanout${props.selected ? " edge-selected" : ""}`} />
      {shown && (
        <EdgeLabel x={x} y={y} className={`edge-label-fanout${props.selected ? " is-selected" : ""}`}>
          {`⋔ each ${d?.as ?? "item"} in ${d?.items ?? "?"}`}
        </EdgeLabel>
      )}
    </>
  );
});

export const edgeTypes = { plain: PlainEdgeView, route: RouteEdgeView, fanout: FanoutEdgeView };
