import { lazy, Suspense, useMemo, useState } from "react";
import type { StateField } from "../model/graphspec";
import { formDataToInput, inputSchemaFor } from "../model/inputSchema";
import { JsonField } from "../editor/JsonField";
import { Loading } from "../ui/Spinner";
import { useDebugger, useDebuggerApi } from "./DebuggerContext";
import "./debugger.css";

const ConfigForm = lazy(() => import("../editor/ConfigForm"));

/** Start a run: input from a form built on the state schema, or raw JSON. */
export function RunPanel({
  fields,
  nodeLabel,
  onRun,
  busy,
}: {
  fields: StateField[];
  nodeLabel: (id: string) => string;
  onRun: (input: Record<string, unknown>) => void;
  busy: boolean;
}) {
  const api = useDebuggerApi();
  const before = useDebugger((s) => s.breakpointsBefore);
  const after = useDebugger((s) => s.breakpointsAfter);
  const schema = useMemo(() => inputSchemaFor(fields), [fields]);
  const [raw, setRaw] = useState(fields.length === 0);
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [json, setJson] = useState<unknown>({});
  const input = raw ? (json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : null) : formDataToInput(fields, formData);
  return (
    <section className="run-panel" aria-label="Run the graph">
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
      {/* Sticky: the primary action stays in view below a long input form. */}
      <div className="run-panel-actions">
        <button type="button" className="btn btn-primary" disabled={busy || input === null} onClick={() => input && onRun(input)}>
          <span aria-hidden="true">▶ </span>Start run
        </button>
      </div>
    </section>
  );
}
