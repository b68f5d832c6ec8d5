import { useCatalog, useEditor, useEditorApi } from "./EditorContext";
import { focusProblem } from "./EditorCanvas";
import { describeProblem } from "./problemText";

export function ProblemsPanel() {
  const api = useEditorApi();
  const problems = useEditor((s) => s.problems);
  const validation = useEditor((s) => s.validation);
  const spec = useEditor((s) => s.problemsSpec);
  const { kinds } = useCatalog();
  if (validation === "unavailable") return <p className="empty-inline">Validation is not available on this server yet.</p>;
  if (validation === "error") {
    return (
      <p className="empty-inline">
        Could not validate the graph.{" "}
        <button type="button" className="btn btn-sm" onClick={() => api.getState().setValidation("idle")}>
          Try again
        </button>
      </p>
    );
  }
  if (problems.length === 0) {
    return <p className="empty-inline">{validation === "running" ? "Checking…" : "No problems found. The graph is ready to run."}</p>;
  }
  const sorted = [...problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  return (
    <ul className="problems" aria-label="Problems">
      {sorted.map((p, i) => {
        const t = describeProblem(p, spec, kinds);
        return (
          <li key={`${p.pointer}-${p.code}-${i}`}>
            <button type="button" className={`problem problem-${p.severity}`} aria-label={`${p.severity === "error" ? "Error" : "Warning"}: ${t.text}`} onClick={() => focusProblem(api, p.pointer)}>
              <span className="problem-icon" aria-hidden="true">
                {p.severity === "error" ? "✕" : "!"}
              </span>
              <span className="problem-text">
                <span>{t.text}</span>
                <span className="muted mono problem-pointer">
                  {p.code} · {t.pointer}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
