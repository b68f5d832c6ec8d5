import type { CanvasEdge } from "../model/canvas";
import type { EdgeKind } from "../model/canvasOps";
import { useEditor, useEditorApi } from "./EditorContext";

const KINDS: { kind: EdgeKind; label: string; help: string }[] = [
  { kind: "edge", label: "Always", help: "Control always flows along this edge." },
  { kind: "route", label: "Conditional branch", help: "Taken when its condition is the first true one; else the default." },
  { kind: "fanout", label: "Fan-out", help: "Runs the target once per item of a list field, in parallel." },
];

export function EdgeInspector({ edge }: { edge: CanvasEdge }) {
  const api = useEditorApi();
  const readOnly = useEditor((s) => s.readOnly);
  const nodes = useEditor((s) => s.history.present.nodes);
  const fields = useEditor((s) => s.history.present.state);
  const s = api.getState();
  const name = (id: string) => {
    const n = nodes.find((x) => x.id === id);
    return n ? n.data.label : id;
  };
  const kind = edge.data?.kind ?? "edge";
  const listFields = fields.filter((f) => f.type === "array" || f.type === "messages" || f.type === "any");
  return (
    <section className="inspector" aria-label="Edge">
      <header className="inspector-header">
        <h2>Edge</h2>
        <p className="muted">
          {name(edge.source)} → {name(edge.target)}
        </p>
      </header>
      <fieldset className="radio-group" disabled={readOnly}>
        <legend>Kind</legend>
        {KINDS.map((k) => (
          <label key={k.kind} className="radio">
            <input type="radio" name={`edge-kind-${edge.id}`} checked={kind === k.kind} onChange={() => s.changeEdgeKind(edge.id, k.kind)} />
            <span>
              <strong>{k.label}</strong>
              <span className="muted"> — {k.help}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {edge.type === "route" && edge.data && (
        <div className="inspector-section">
          <h3>Branch</h3>
          {edge.data.isDefault ? (
            <p className="muted">This is the route’s default: taken when no branch condition is true.</p>
          ) : (
            <>
              <label className="field">
                <span>Label</span>
                <input value={edge.data.label} disabled={readOnly} onChange={(e) => s.updateEdge(edge.id, { label: e.target.value }, "label")} />
              </label>
              <label className="field">
                <span>Condition (Jinja2 expression over state)</span>
                <textarea
                  rows={3}
                  className="mono"
                  value={edge.data.when}
                  disabled={readOnly}
                  placeholder="state.category == 'bug'"
                  onChange={(e) => s.updateEdge(edge.id, { when: e.target.value }, "when")}
                />
              </label>
              {!edge.data.when.trim() && <p className="field-error">A branch needs a condition.</p>}
              {!readOnly && (
                <button type="button" className="btn btn-sm" onClick={() => s.setRouteDefault(edge.id)}>
                  Make this the default branch
                </button>
              )}
            </>
          )}
        </div>
      )}

      {edge.type === "fanout" && edge.data && (
        <div className="inspector-section">
          <h3>Fan-out</h3>
          <label className="field">
            <span>List field to map over</span>
            <select value={edge.data.items} disabled={readOnly} onChange={(e) => s.updateEdge(edge.id, { items: e.target.value })}>
              {!listFields.some((f) => f.name === edge.data!.items) && <option value={edge.data.items}>{edge.data.items || "(choose)"}</option>}
              {listFields.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Each item is available to the target as</span>
            <input value={edge.data.as} disabled={readOnly} onChange={(e) => s.updateEdge(edge.id, { as: e.target.value }, "as")} />
          </label>
        </div>
      )}

      {!readOnly && (
        <div className="inspector-actions">
          <button type="button" className="btn btn-danger" onClick={() => s.deleteSelection()}>
            Delete edge
          </button>
        </div>
      )}
    </section>
  );
}
