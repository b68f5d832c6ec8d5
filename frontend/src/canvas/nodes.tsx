import { memo } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import type { EndNode, StartNode, StepNode } from "../model/canvas";
import { specKindOf } from "../model/canvas";
import { useCanvasDecor } from "./decor";
import { kindStyle } from "./kinds";
import { formatDuration } from "../ui/format";

const STATUS_TEXT = { running: "running", finished: "finished", failed: "failed", waiting: "waiting for review", idle: "" } as const;

export const StepNodeView = memo(function StepNodeView({ id, data, selected }: NodeProps<StepNode>) {
  const decor = useCanvasDecor();
  const kind = specKindOf(data);
  const style = kindStyle(kind);
  const run = decor.status[id];
  const problem = decor.problems[id];
  const before = decor.breakpointsBefore.has(id);
  const after = decor.breakpointsAfter.has(id);
  const classes = [
    "flow-node",
    run && run.status !== "idle" ? `is-${run.status}` : "",
    problem ? `has-${problem}` : "",
    selected ? "is-selected" : "",
    decor.highlighted.has(id) ? "is-highlighted" : "",
  ].join(" ");
  const title = decor.kindTitles[kind] ?? kind;
  const statusText = run ? STATUS_TEXT[run.status] : "";
  return (
    // The kind's glyph is the node's ::before (data-glyph): 300 nodes, 300 fewer elements.
    <div className={classes} style={{ ["--kind-color" as string]: style.color }} data-glyph={style.glyph} aria-label={`${data.label}, ${title} node${statusText ? `, ${statusText}` : ""}`}>
      <Handle type="target" position={Position.Left} aria-label={`Connect into ${data.label}`} />
      {before && <span className="bp bp-before" title="Pauses before this node" aria-label="Breakpoint before" />}
      <span className="flow-node-label" title={data.label}>
        {data.label}
      </span>
      <span className="flow-node-kind">
        {title}
        {run?.durationMs !== undefined && run.status === "finished" ? ` · ${formatDuration(run.durationMs)}` : ""}
        {statusText && run?.status !== "finished" ? ` · ${statusText}` : ""}
      </span>
      {problem && (
        <span className={`flow-node-problem problem-${problem}`} title={problem === "error" ? "Has errors" : "Has warnings"} aria-hidden="true">
          !
        </span>
      )}
      {after && <span className="bp bp-after" title="Pauses after this node" aria-label="Breakpoint after" />}
      <Handle type="source" position={Position.Right} aria-label={`Connect from ${data.label}`} />
    </div>
  );
});

export const StartNodeView = memo(function StartNodeView({ selected }: NodeProps<StartNode>) {
  return (
    <div className={`flow-terminal flow-start${selected ? " is-selected" : ""}`} aria-label="Start">
      Start
      <Handle type="source" position={Position.Right} aria-label="Connect from Start" />
    </div>
  );
});

export const EndNodeView = memo(function EndNodeView({ selected }: NodeProps<EndNode>) {
  return (
    <div className={`flow-terminal flow-end${selected ? " is-selected" : ""}`} aria-label="End">
      <Handle type="target" position={Position.Left} aria-label="Connect into End" />
      End
    </div>
  );
});

export const nodeTypes = { step: StepNodeView, start: StartNodeView, end: EndNodeView };
