import { useMemo, useState } from "react";
import { changedKeys, diffState, formatPath } from "../model/stateDiff";
import { JsonField } from "../editor/JsonField";
import { JsonTree } from "./JsonTree";
import { useDebugger } from "./DebuggerContext";
import { selectedSnapshots } from "./store";

function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? "undefined" : s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** State at the selected checkpoint, with its diff against the step before. Without the callbacks it is read-only. */
export function StateInspector({
  onEditState,
  onRerun,
  busy = false,
}: {
  onEditState?: (values: Record<string, unknown>, checkpointId: string, andRun: boolean) => void;
  onRerun?: (checkpointId: string) => void;
  busy?: boolean;
}) {
  const history = useDebugger((s) => s.history);
  const selected = useDebugger((s) => s.selected);
  const historyStatus = useDebugger((s) => s.historyStatus);
  const liveValues = useDebugger((s) => s.debug.values);
  const { current, parent } = selectedSnapshots({ history, selected });
  const [showDiff, setShowDiff] = useState(true);
  const [editing, setEditing] = useState<Record<string, unknown> | null>(null);
  const changes = useMemo(() => (current ? diffState(parent?.values ?? {}, current.values) : []), [current, parent]);
  if (!current) {
    if (liveValues) return <JsonTree value={liveValues} name="Live state" />;
    return (
      <p className="empty-inline">
        {historyStatus === "loading" ? "Loading state…" : "No state yet. Run the graph to see its state after every step."}
      </p>
    );
  }
  const id = current.checkpoint.checkpoint_id;
  const isHead = history[0]?.checkpoint.checkpoint_id === id;
  return (
    <section className="state-inspector" aria-label="State inspector">
      <div className="state-meta">
        <span>
          Step <strong>{current.metadata.step ?? "?"}</strong> · {current.metadata.source ?? "loop"}
          {isHead ? " · latest" : ""}
        </span>
        {/* Checkpoint ids share a time-based prefix; the tail tells them apart. */}
        <span className="muted mono" title={id}>
          {id.slice(-8)}
        </span>
      </div>
      {current.next.length > 0 && (
        <p className="muted">
          Next: <strong>{current.next.join(", ")}</strong>
        </p>
      )}
      <div className="btn-group wrap">
        {onEditState && (
          <button type="button" className="btn btn-sm" onClick={() => setEditing(structuredClone(current.values))} disabled={busy}>
            Edit state here
          </button>
        )}
        {onRerun && (
          <button type="button" className="btn btn-sm" onClick={() => onRerun(id)} disabled={busy}>
            Re-run from here
          </button>
        )}
        <label className="check inline">
          <input type="checkbox" checked={showDiff} onChange={(e) => setShowDiff(e.target.checked)} />
          Diff against the previous step
        </label>
      </div>
      {editing && onEditState && (
        <div className="edit-state">
          <JsonField label="New state values (a fork is created when this is not the latest step)" value={editing} onChange={(v) => v && typeof v === "object" && setEditing(v as Record<string, unknown>)} rows={10} />
          <div className="btn-group">
            <button
              type="button"
              className="btn btn-primary btn-sm"
              disabled={busy}
              onClick={() => {
                onEditState(editing, id, true);
                setEditing(null);
              }}
            >
              Save and continue from here
            </button>
            <button
              type="button"
              className="btn btn-sm"
              disabled={busy}
              onClick={() => {
                onEditState(editing, id, false);
                setEditing(null);
              }}
            >
              Save state only
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {showDiff && (
        <section className="diff" aria-label="Changes from the previous step">
          <h3>Changes {parent ? `since step ${parent.metadata.step ?? "?"}` : "(first checkpoint)"}</h3>
          {changes.length === 0 ? (
            <p className="empty-inline">No state changes in this step.</p>
          ) : (
            <ul className="diff-list">
              {changes.map((c, i) => (
                <li key={i} className={`diff-${c.type}`}>
                  <span className="diff-sign" aria-label={c.type}>
                    {c.type === "added" ? "+" : c.type === "removed" ? "−" : "~"}
                  </span>
                  <span className="mono">{formatPath(c.path)}</span>
                  {c.type === "changed" && (
                    <span className="mono">
                      {" "}
                      <del>{short(c.before)}</del> → <ins>{short(c.after)}</ins>
                    </span>
                  )}
                  {c.type === "added" && <span className="mono"> {short(c.after)}</span>}
                  {c.type === "removed" && (
                    <span className="mono">
                      {" "}
                      <del>{short(c.before)}</del>
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <h3>Values</h3>
      <JsonTree value={current.values} changed={changedKeys(changes)} name="State values" />
    </section>
  );
}
