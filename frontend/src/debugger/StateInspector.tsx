import { useId, useMemo, useState } from "react";
import { changedKeys, diffState, formatPath } from "../model/stateDiff";
import { describeJsonError, parseJsonText } from "../model/jsonText";
import type { ActionResult, FieldProblem } from "./actions";
import { useNodeLabel } from "./labels";
import "./debugger.css";
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
  /** Resolves with the server's answer; on failure the editor stays open with the user's text. */
  onEditState?: (values: Record<string, unknown>, checkpointId: string, andRun: boolean) => Promise<ActionResult>;
  onRerun?: (checkpointId: string) => void;
  busy?: boolean;
}) {
  const history = useDebugger((s) => s.history);
  const selected = useDebugger((s) => s.selected);
  const historyStatus = useDebugger((s) => s.historyStatus);
  const liveValues = useDebugger((s) => s.debug.values);
  const { current, parent } = selectedSnapshots({ history, selected });
  const [showDiff, setShowDiff] = useState(true);
  // Which checkpoint's values are being edited: picking another checkpoint closes the editor.
  const [editing, setEditing] = useState<{ id: string; values: Record<string, unknown> } | null>(null);
  const label = useNodeLabel();
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
          Next: <strong>{current.next.map(label).join(", ")}</strong>
        </p>
      )}
      <div className="btn-group wrap">
        {onEditState && (
          <button type="button" className="btn btn-sm" onClick={() => setEditing({ id, values: structuredClone(current.values) })} disabled={busy}>
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
      {editing?.id === id && onEditState && (
        <EditStateBox
          key={id}
          initial={editing.values}
          busy={busy}
          onSave={(values, andRun) => onEditState(values, id, andRun)}
          onClose={() => setEditing(null)}
        />
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

/**
 * The state editor: JSON text that must parse to an object before either save button
 * is enabled; the server's objections (JSON pointers such as `/values/category`) are
 * shown next to it and the text is kept.
 */
function EditStateBox({
  initial,
  busy,
  onSave,
  onClose,
}: {
  initial: Record<string, unknown>;
  busy: boolean;
  onSave: (values: Record<string, unknown>, andRun: boolean) => Promise<ActionResult>;
  onClose: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(() => JSON.stringify(initial, null, 2));
  const [server, setServer] = useState<{ error: string; fields: FieldProblem[] } | null>(null);
  const [saving, setSaving] = useState(false);
  const parsed = useMemo(() => parseJsonText(text), [text]);
  const problem = !parsed.ok
    ? describeJsonError(parsed)
    : !parsed.value || typeof parsed.value !== "object" || Array.isArray(parsed.value)
      ? "The state must be a JSON object (its keys are the state's fields)."
      : null;
  const values = problem === null && parsed.ok ? (parsed.value as Record<string, unknown>) : null;
  const save = async (andRun: boolean) => {
    if (!values) return;
    setSaving(true);
    setServer(null);
    const r = await onSave(values, andRun);
    setSaving(false);
    if (r.ok) onClose();
    else setServer({ error: r.error, fields: r.fields ?? [] });
  };
  const disabled = busy || saving || values === null;
  const describedBy = [problem ? `${id}-parse` : "", server ? `${id}-server` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className="edit-state">
      <div className="field">
        <label htmlFor={id}>New state values (a fork is created when this is not the latest step)</label>
        <textarea
          id={id}
          rows={10}
          value={text}
          spellCheck={false}
          aria-invalid={problem || server ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => setText(e.target.value)}
        />
        {problem && (
          <p className="field-error" id={`${id}-parse`} role="alert">
            Not valid JSON yet — {problem}
          </p>
        )}
        {server && (
          <div className="field-error" id={`${id}-server`} role="alert">
            <p>The server refused the state: {server.error}</p>
            {server.fields.length > 0 && (
              <ul className="server-problems">
                {server.fields.map((f, i) => (
                  <li key={i}>
                    <code>{f.path || "/"}</code>: {f.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      <div className="btn-group wrap">
        <button type="button" className="btn btn-primary btn-sm" disabled={disabled} onClick={() => void save(true)}>
          Save and continue from here
        </button>
        <button type="button" className="btn btn-sm" disabled={disabled} onClick={() => void save(false)}>
          Save state only
        </button>
        <button type="button" className="btn btn-sm" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
