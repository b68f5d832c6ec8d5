import { useEditor, useEditorApi } from "./EditorContext";
import { focusProblem } from "./EditorCanvas";

export function ProblemsPanel() {
  const api = useEditorApi();
  const problems = useEditor((s) => s.problems);
  const validation = useEditor((s) => s.validation);
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
      {sorted.map((p, i) => (
        <li key={`${p.pointer}-${p.code}-${i}`}>
          <button type="button" className={`problem problem-${p.severity}`} onClick={() => focusProblem(api, p.pointer)}>
            <span className="problem-icon" aria-label={p.severity}>
              {p.severity === "error" ? "✕" : "!"}
            </span>
            <span className="problem-text">
              <span>{p.message}</span>
              <span className="muted mono">
                {p.code} · {p.pointer || "/"}
              </span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
