import { Link } from "../app/router";

/**
 * A failed run: where it failed, the error and its traceback, and the way on. Retry
 * re-runs the failed node from the last checkpoint (the steps that finished are kept);
 * for a draft test the retry runs the draft as saved, so a config fixed in the editor
 * is what the retry uses.
 */
export function FailurePanel({
  nodes,
  error,
  traceback,
  busy,
  draft,
  editHref,
  onRetry,
}: {
  /** Labels and ids of the nodes that failed (may be empty when the log does not say). */
  nodes: { id: string; label: string }[];
  error: string;
  traceback: string | null;
  busy: boolean;
  draft: boolean;
  /** The editor, with the failed node selected; null when the graph cannot be edited. */
  editHref: ((nodeId: string) => string) | null;
  onRetry: () => void;
}) {
  const names = nodes.map((n) => n.label).join(", ");
  const first = nodes[0];
  return (
    <section className="interrupt-panel failure-panel" aria-label="Run failed">
      <span className="badge badge-failed">
        <span className="badge-dot" aria-hidden="true" />
        Failed
      </span>
      <h2>{names ? `Failed in ${names}` : "The run failed"}</h2>
      <p className="failure-error">{error}</p>
      {traceback && (
        <details className="failure-traceback">
          <summary>Traceback</summary>
          <pre aria-label="Traceback">{traceback}</pre>
        </details>
      )}
      <p className="muted">
        Retry runs {names || "the failed step"} again from the last checkpoint; the steps that finished are kept.
        {draft && " It uses the draft as saved in the editor: fix the node's config there first."}
      </p>
      <div className="btn-group">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={onRetry}>
          Retry {names || "the run"}
        </button>
        {first && editHref && (
          <Link href={editHref(first.id)} className="btn">
            Edit {first.label}'s config
          </Link>
        )}
      </div>
    </section>
  );
}
