import { useState } from "react";
import { createGraph, listGraphs } from "../api/graphs";
import { ApiError, errorMessage } from "../api/http";
import { Link, useRouter } from "../app/router";
import { useSession, useWorkspaceRole } from "../app/SessionContext";
import { emptySpec } from "../model/graphspec";
import { Banner } from "../ui/Banner";
import { Dialog } from "../ui/Dialog";
import { EmptyState } from "../ui/EmptyState";
import { Loading } from "../ui/Spinner";
import { relativeTime } from "../ui/time";
import { useAsync } from "../ui/useAsync";

export function GraphsPage() {
  const workspace = useSession((s) => s.workspace);
  const sessionStatus = useSession((s) => s.status);
  const role = useWorkspaceRole();
  const canEdit = role === "owner" || role === "editor";
  const [creating, setCreating] = useState(false);
  const graphs = useAsync((signal) => (workspace ? listGraphs(workspace, signal) : Promise.resolve([])), [workspace]);

  if (!workspace) {
    if (sessionStatus === "loading" || sessionStatus === "idle") return <Loading label="Loading workspaces…" />;
    return (
      <EmptyState title="No workspace yet">
        You are not a member of any workspace. Ask a workspace owner to invite you, or run{" "}
        <code>python manage.py seed_demo</code> on a development server.
      </EmptyState>
    );
  }

  return (
    <div className="app-page">
      <div className="app-page-header">
        <h1>Graphs</h1>
        {canEdit && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New graph
          </button>
        )}
      </div>
      {graphs.status === "loading" && <Loading label="Loading graphs…" />}
      {graphs.status === "error" && (
        <Banner
          tone="error"
          action={
            <button type="button" className="btn btn-sm" onClick={graphs.reload}>
              Try again
            </button>
          }
        >
          {graphs.cause instanceof ApiError && graphs.cause.isMissing
            ? "The graphs API is not available on this server yet."
            : `Could not load graphs: ${graphs.error}`}
        </Banner>
      )}
      {graphs.status === "ready" && graphs.data.length === 0 && (
        <EmptyState
          title="No graphs in this workspace"
          action={
            canEdit && (
              <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
                Create your first graph
              </button>
            )
          }
        >
          A graph is a set of nodes (LLM calls, tools, human reviews…) wired together.{" "}
          {canEdit
            ? "Create one and drag nodes onto the canvas."
            : "You can view this workspace; ask an owner or editor to create a graph, or to make you an editor."}
        </EmptyState>
      )}
      {graphs.status === "ready" && graphs.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Source</th>
              <th scope="col">Latest version</th>
              <th scope="col">Updated</th>
              <th scope="col">Threads</th>
            </tr>
          </thead>
          <tbody>
            {graphs.data.map((g) => (
              <tr key={g.id}>
                <td>
                  <Link href={`/app/graphs/${encodeURIComponent(g.id)}`} id={`graph-name-${g.id}`}>
                    {g.name}
                  </Link>
                </td>
                <td>{g.source === "code" ? <span className="tag">code (read-only)</span> : <span className="tag">canvas</span>}</td>
                <td>{g.latest_version ? `v${g.latest_version}` : <span className="muted">unpublished</span>}</td>
                <td>{relativeTime(g.updated_at)}</td>
                <td>
                  {/* Named "Threads", described by the graph's name: a label holding the name would
                      also answer to searches for the graph's own link. */}
                  <Link href={`/app/threads?graph=${encodeURIComponent(g.id)}`} aria-describedby={`graph-name-${g.id}`}>
                    Threads
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NewGraphDialog open={creating} workspace={workspace} onClose={() => setCreating(false)} />
    </div>
  );
}

function NewGraphDialog({ open, workspace, onClose }: { open: boolean; workspace: string; onClose: () => void }) {
  const { navigate } = useRouter();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const trimmed = name.trim();
    if (!trimmed) {
      setError("Give the graph a name.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const g = await createGraph(workspace, trimmed, emptySpec(trimmed));
      onClose();
      navigate(`/app/graphs/${encodeURIComponent(g.id)}`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="New graph"
      open={open}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="new-graph-form" className="btn btn-primary" disabled={busy}>
            {busy ? "Creating…" : "Create graph"}
          </button>
        </>
      }
    >
      <form
        id="new-graph-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>Name</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Support triage" />
        </label>
        {error && <p className="field-error" role="alert">{error}</p>}
      </form>
    </Dialog>
  );
}
