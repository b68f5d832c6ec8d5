import { lazy, Suspense, useMemo, useState } from "react";
import type { StateField } from "../model/graphspec";
import { formDataToInput, inputFields, inputSchemaFor } from "../model/inputSchema";
import { browserStorage, loadPlayground, savePlayground } from "../model/playground";
import { JsonField } from "../editor/JsonField";
import { Loading } from "../ui/Spinner";
import { useDebugger, useDebuggerApi } from "./DebuggerContext";
import "./debugger.css";

const ConfigForm = lazy(() => import("../editor/ConfigForm"));

/** Start a run: input from a form built on the graph's input schema, or raw JSON. The
 * last inputs are kept per graph (`graphId`), so a test run starts from them. */
export function RunPanel({
  fields: stateFields,
  graphId,
  draftRevision,
  nodeLabel,
  pendingReviews,
  onRun,
  busy,
}: {
  fields: StateField[];
  graphId: string | null;
  /** Set for a test run of the unpublished draft: its revision. */
  draftRevision: number | null;
  nodeLabel: (id: string) => string;
  /** Open reviews of the thread, which new input would drop: the user must say so. */
  pendingReviews: string[];
  onRun: (input: Record<string, unknown>, dropReview: boolean) => void;
  busy: boolean;
}) {
  const api = useDebuggerApi();
  const before = useDebugger((s) => s.breakpointsBefore);
  const after = useDebugger((s) => s.breakpointsAfter);
  const fields = useMemo(() => inputFields(stateFields), [stateFields]);
  const schema = useMemo(() => inputSchemaFor(fields), [fields]);
  const [kept] = useState(() => (graphId ? loadPlayground(browserStorage(), graphId) : null));
  const [raw, setRaw] = useState(kept?.raw ?? fields.length === 0);
  const [formData, setFormData] = useState<Record<string, unknown>>(kept?.form ?? {});
  const [json, setJson] = useState<unknown>(kept?.json ?? {});
  const input = raw ? (json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : null) : formDataToInput(fields, formData);
  const [dropReview, setDropReview] = useState(false);
  const blocked = pendingReviews.length > 0 && !dropReview;
  const start = (value: Record<string, unknown>) => {
    if (graphId) savePlayground(browserStorage(), graphId, { form: formData, json, raw });
    onRun(value, pendingReviews.length > 0 && dropReview);
  };
  return (
    <section className="run-panel" aria-label="Run the graph">
      {draftRevision !== null && (
        <p className="run-draft-note" role="note">
          <span className="tag tag-draft">Draft</span> A test run of the unpublished draft (revision {draftRevision}), as it is in the editor.
        </p>
      )}
      <div className="section-title-row">
        <h3>Input</h3>
        {fields.length > 0 && (
          <button type="button" className="btn btn-ghost btn-sm" aria-pressed={raw} onClick={() => setRaw((r) => !r)}>
            Raw JSON
          </button>
        )}
      </div>
      {raw ? (
        <JsonField label="Input (JSON object)" value={json} onChange={setJson} rows={8} />
      ) : (
        <Suspense fallback={<Loading label="Loading form…" />}>
          <ConfigForm idPrefix="run-input" schema={schema} value={formData} disabled={busy} onChange={(v) => setFormData(v)} />
        </Suspense>
      )}
      <h3>Breakpoints for this run</h3>
      {before.length + after.length === 0 ? (
        <p className="muted">None. Click a node on the canvas to pause before it.</p>
      ) : (
        <ul className="bp-list">
          {before.map((n) => (
            <li key={`b-${n}`}>
              Pause before <strong>{nodeLabel(n)}</strong>{" "}
              <button type="button" className="btn btn-ghost btn-sm" aria-label={`Remove breakpoint before ${nodeLabel(n)}`} onClick={() => api.getState().toggleBreakpoint(n, "before")}>
                ×
              </button>
            </li>
          ))}
          {after.map((n) => (
            <li key={`a-${n}`}>
              Pause after <strong>{nodeLabel(n)}</strong>{" "}
              <button type="button" className="btn btn-ghost btn-sm" aria-label={`Remove breakpoint after ${nodeLabel(n)}`} onClick={() => api.getState().toggleBreakpoint(n, "after")}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {pendingReviews.length > 0 && (
        <div className="run-review-warning" role="note" aria-label="Pending review">
          <p>
            This thread is waiting for a review at <strong>{pendingReviews.join(", ")}</strong>. A new run starts over from the
            new input and the review is dropped: answer it first if it still matters.
          </p>
          <label className="check">
            <input type="checkbox" checked={dropReview} onChange={(e) => setDropReview(e.target.checked)} />
            Drop the pending review and start over
          </label>
        </div>
      )}
      {/* Sticky: the primary action stays in view below a long input form. */}
      <div className="run-panel-actions">
        <button type="button" className="btn btn-primary" disabled={busy || input === null || blocked} onClick={() => input && start(input)}>
          <span aria-hidden="true">▶ </span>Start run
        </button>
      </div>
    </section>
  );
}
