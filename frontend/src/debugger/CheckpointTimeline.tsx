import { useMemo } from "react";
import { checkpointName, layoutTimeline } from "../model/timeline";
import { useDebugger, useDebuggerApi } from "./DebuggerContext";

const COL = 44;
const LANE = 28;
const PAD = 16;

/** Every checkpoint of the thread, oldest left; forks branch onto lanes below. */
export function CheckpointTimeline() {
  const api = useDebuggerApi();
  const history = useDebugger((s) => s.history);
  const status = useDebugger((s) => s.historyStatus);
  const selected = useDebugger((s) => s.selected);
  const layout = useMemo(
    () =>
      layoutTimeline(
        history.map((h) => ({
          id: h.checkpoint.checkpoint_id,
          parentId: h.parent_checkpoint?.checkpoint_id ?? null,
          step: h.metadata.step ?? 0,
          source: h.metadata.source ?? "loop",
          createdAt: h.created_at,
        })),
      ),
    [history],
  );
  const current = selected ?? history[0]?.checkpoint.checkpoint_id ?? null;
  if (status === "unavailable") return <p className="empty-inline">Checkpoint history is not available on this server yet.</p>;
  if (status === "error") return <p className="empty-inline">Could not load the checkpoint history.</p>;
  if (layout.nodes.length === 0) return <p className="empty-inline">No checkpoints yet. Start a run and each step will appear here.</p>;
  const pos = new Map(layout.nodes.map((n) => [n.id, { x: PAD + n.column * COL, y: PAD + n.lane * LANE }]));
  const width = PAD * 2 + (layout.nodes.length - 1) * COL;
  const height = PAD * 2 + (layout.lanes - 1) * LANE;
  return (
    <div className="timeline" role="group" aria-label="Checkpoint timeline">
      <svg width={width} height={height} aria-hidden="true" className="timeline-lines">
        {layout.links.map((l) => {
          const a = pos.get(l.from)!;
          const b = pos.get(l.to)!;
          // A fork drops straight down from its parent, then runs along its own row: each
          // checkpoint has a column of its own, so the drop never passes through a dot.
          const r = Math.min(8, Math.abs(b.y - a.y));
          const d = a.y === b.y ? `M${a.x},${a.y} L${b.x},${b.y}` : `M${a.x},${a.y} L${a.x},${b.y - r} Q${a.x},${b.y} ${a.x + r},${b.y} L${b.x},${b.y}`;
          return <path key={`${l.from}-${l.to}`} d={d} className={l.fork ? "timeline-fork" : "timeline-link"} />;
        })}
      </svg>
      {layout.nodes.map((n) => {
        const p = pos.get(n.id)!;
        const isSel = n.id === current;
        return (
          <button
            key={n.id}
            type="button"
            className={`timeline-dot source-${n.source}${isSel ? " is-selected" : ""}${layout.heads.includes(n.id) ? " is-head" : ""}`}
            style={{ left: p.x, top: p.y }}
            aria-pressed={isSel}
            aria-label={checkpointName(n)}
            title={`step ${n.step} · ${n.source} · branch ${n.lane + 1} · ${new Date(n.createdAt).toLocaleTimeString()}`}
            onClick={() => api.getState().select(n.id === history[0]?.checkpoint.checkpoint_id ? null : n.id)}
          >
            <span className="timeline-step">{n.step}</span>
          </button>
        );
      })}
    </div>
  );
}
