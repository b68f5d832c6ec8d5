import { ApiError } from "../api/http";
import { searchThreads } from "../api/threads";
import { Link } from "../app/router";
import { useSession } from "../app/SessionContext";
import { Banner } from "../ui/Banner";
import { EmptyState } from "../ui/EmptyState";
import { Loading } from "../ui/Spinner";
import { StatusBadge, toStatus } from "../ui/StatusBadge";
import { relativeTime } from "../ui/time";
import { useAsync } from "../ui/useAsync";
import { ImportThread } from "./ImportThread";

export function ThreadsPage() {
  const workspace = useSession((s) => s.workspace);
  const threads = useAsync((signal) => searchThreads({ limit: 100 }, signal), [workspace]);
  return (
    <div className="app-page">
      <div className="app-page-header">
        <h1>Threads</h1>
        <div className="btn-group">
          <ImportThread />
          <button type="button" className="btn" onClick={threads.reload}>
            Refresh
          </button>
        </div>
      </div>
      {threads.status === "loading" && <Loading label="Loading threads…" />}
      {threads.status === "error" && (
        <Banner tone="error">
          {threads.cause instanceof ApiError && threads.cause.isMissing
            ? "The threads API is not available on this server yet."
            : `Could not load threads: ${threads.error}`}
        </Banner>
      )}
      {threads.status === "ready" && threads.data.length === 0 && (
        <EmptyState title="No threads yet" action={<Link className="btn btn-primary" href="/app/graphs">Open a graph</Link>}>
          A thread is one conversation or job running through a graph. Open a graph and press “Run” to start one.
        </EmptyState>
      )}
      {threads.status === "ready" && threads.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Thread</th>
              <th scope="col">Graph</th>
              <th scope="col">Status</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {threads.data.map((t) => (
              <tr key={t.thread_id}>
                <td>
                  <Link href={`/app/threads/${encodeURIComponent(t.thread_id)}`} className="mono">
                    {t.thread_id.slice(0, 8)}
                  </Link>
                </td>
                <td>{String(t.metadata?.graph_name ?? t.metadata?.graph_id ?? t.graph_id ?? "—")}</td>
                <td>
                  <StatusBadge status={toStatus(t.status)} label={t.status} />
                </td>
                <td>{relativeTime(t.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
