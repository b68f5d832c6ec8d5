import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { listGraphs } from "../api/graphs";
import { ApiError, errorMessage } from "../api/http";
import { listMembers } from "../api/teams";
import { listWorkspaceThreads, type ThreadListItem } from "../api/threads";
import { Link, useRouter } from "../app/router";
import { useSession } from "../app/SessionContext";
import { Banner } from "../ui/Banner";
import { EmptyState } from "../ui/EmptyState";
import { Loading } from "../ui/Spinner";
import { StatusBadge, toStatus } from "../ui/StatusBadge";
import { relativeTime } from "../ui/time";
import { useAsync } from "../ui/useAsync";
import { ImportThread } from "./ImportThread";
import { ThreadFiltersBar } from "./ThreadFiltersBar";
import {
  EMPTY_FILTERS,
  cursorOf,
  filtersFromSearch,
  filtersToQuery,
  filtersToSearch,
  hasFilters,
  type ThreadFilters,
} from "./threadFilters";
import "./threads.css";

const PAGE_SIZE = 50;

type ListState =
  | { status: "loading" }
  | { status: "error"; error: string; cause: unknown }
  | { status: "ready"; rows: ThreadListItem[]; next?: string; loadingMore: boolean; moreError?: string };

/** Threads of the selected workspace (or one graph, with `?graph=`), filtered from the URL. */
export function ThreadsPage() {
  const workspace = useSession((s) => s.workspace);
  const workspaces = useSession((s) => s.workspaces);
  const sessionStatus = useSession((s) => s.status);
  const selectWorkspace = useSession((s) => s.selectWorkspace);
  const { search, navigate } = useRouter();
  const searchText = search.toString();
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(searchText)), [searchText]);

  // A shared link names its workspace: switch to it once, when the user belongs to it.
  const appliedLinkWorkspace = useRef(false);
  useEffect(() => {
    if (appliedLinkWorkspace.current || workspaces.length === 0) return;
    appliedLinkWorkspace.current = true;
    const wanted = filters.workspace;
    if (wanted && wanted !== workspace && workspaces.some((w) => w.slug === wanted)) selectWorkspace(wanted);
  }, [workspaces, workspace, filters.workspace, selectWorkspace]);
  // Switching workspace in the top bar: the URL follows, and a graph of the old one goes.
  useEffect(() => {
    if (!appliedLinkWorkspace.current || !workspace || !filters.workspace || filters.workspace === workspace) return;
    navigate(`/app/threads${filtersToSearch({ ...filters, graph: undefined, workspace })}`, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workspace]);
  const linkPending =
    !appliedLinkWorkspace.current && !!filters.workspace && workspaces.some((w) => w.slug === filters.workspace);
  const listWorkspace = linkPending ? filters.workspace : workspace;

  const setFilters = useCallback(
    (next: ThreadFilters) => navigate(`/app/threads${filtersToSearch({ ...next, workspace: workspace ?? undefined })}`, { replace: true }),
    [navigate, workspace],
  );

  const graphs = useAsync((signal) => (listWorkspace ? listGraphs(listWorkspace, signal) : Promise.resolve([])), [listWorkspace]);
  const members = useAsync(
    (signal) => (listWorkspace ? listMembers(listWorkspace, signal).catch(() => []) : Promise.resolve([])),
    [listWorkspace],
  );

  const query = useMemo(() => filtersToQuery(filters), [filters]);
  const queryKey = JSON.stringify(query);
  const [list, setList] = useState<ListState>({ status: "loading" });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!listWorkspace) return;
    const ctrl = new AbortController();
    setList({ status: "loading" });
    listWorkspaceThreads(listWorkspace, query, { pageSize: PAGE_SIZE, signal: ctrl.signal }).then(
      (page) => !ctrl.signal.aborted && setList({ status: "ready", rows: page.results, next: cursorOf(page.next), loadingMore: false }),
      (e: unknown) => !ctrl.signal.aborted && setList({ status: "error", error: errorMessage(e), cause: e }),
    );
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [listWorkspace, queryKey, tick]);

  const loadMore = () => {
    if (list.status !== "ready" || !list.next || !listWorkspace) return;
    const cursor = list.next;
    setList({ ...list, loadingMore: true, moreError: undefined });
    listWorkspaceThreads(listWorkspace, query, { cursor, pageSize: PAGE_SIZE }).then(
      (page) =>
        setList((s) =>
          s.status === "ready" ? { status: "ready", rows: [...s.rows, ...page.results], next: cursorOf(page.next), loadingMore: false } : s,
        ),
      (e: unknown) => setList((s) => (s.status === "ready" ? { ...s, loadingMore: false, moreError: errorMessage(e) } : s)),
    );
  };

  const graphName =
    filters.graph && graphs.status === "ready" ? graphs.data.find((g) => String(g.id) === filters.graph)?.name : undefined;
  const title = filters.graph ? `Threads of ${graphName ?? `graph ${filters.graph}`}` : "Threads";

  if (!listWorkspace) {
    if (sessionStatus === "loading" || sessionStatus === "idle") return <Loading label="Loading workspaces…" />;
    return (
      <div className="app-page">
        <h1>Threads</h1>
        <EmptyState title="No workspace yet">Threads belong to a workspace. Ask a workspace owner to invite you.</EmptyState>
      </div>
    );
  }

  return (
    <div className="app-page">
      <div className="app-page-header">
        <h1>{title}</h1>
        <div className="btn-group">
          {filters.graph && (
            <Link className="btn" href={`/app/graphs/${encodeURIComponent(filters.graph)}`}>
              Open graph
            </Link>
          )}
          <ImportThread />
          <button type="button" className="btn" onClick={() => setTick((t) => t + 1)}>
            Refresh
          </button>
        </div>
      </div>
      <ThreadFiltersBar
        filters={filters}
        onChange={setFilters}
        graphs={graphs.status === "ready" ? graphs.data.map((g) => ({ id: String(g.id), name: g.name })) : []}
        members={members.status === "ready" ? members.data.map((m) => m.username) : []}
      />
      {list.status === "loading" && <Loading label="Loading threads…" />}
      {list.status === "error" && (
        <Banner
          tone="error"
          action={
            <button type="button" className="btn btn-sm" onClick={() => setTick((t) => t + 1)}>
              Try again
            </button>
          }
        >
          {list.cause instanceof ApiError && list.cause.isMissing && list.cause.status !== 404
            ? "The threads API is not available on this server yet."
            : `Could not load threads: ${list.error}`}
        </Banner>
      )}
      {list.status === "ready" && list.rows.length === 0 && <NoThreads filters={filters} onClear={() => setFilters(EMPTY_FILTERS)} />}
      {list.status === "ready" && list.rows.length > 0 && (
        <>
          <ThreadTable rows={list.rows} />
          <div className="threads-more" aria-live="polite">
            {list.moreError && <span className="field-error">Could not load more: {list.moreError}</span>}
            {list.next ? (
              <button type="button" className="btn" onClick={loadMore} disabled={list.loadingMore}>
                {list.loadingMore ? "Loading…" : "Load more threads"}
              </button>
            ) : (
              <span className="muted">
                {list.rows.length} {list.rows.length === 1 ? "thread" : "threads"}, all shown
              </span>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function NoThreads({ filters, onClear }: { filters: ThreadFilters; onClear: () => void }) {
  const onlyGraph = filters.graph && !hasFilters({ ...filters, graph: undefined });
  if (onlyGraph) {
    return (
      <EmptyState
        title="No threads for this graph yet"
        action={
          <Link className="btn btn-primary" href={`/app/graphs/${encodeURIComponent(filters.graph ?? "")}`}>
            Open the graph
          </Link>
        }
      >
        Open the graph and press “Run” to start its first thread.
      </EmptyState>
    );
  }
  if (hasFilters(filters)) {
    return (
      <EmptyState
        title="No threads match these filters"
        action={
          <button type="button" className="btn" onClick={onClear}>
            Clear filters
          </button>
        }
      >
        Widen the dates, pick another status or person, or clear the filters to see every thread.
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No threads yet" action={<Link className="btn btn-primary" href="/app/graphs">Open a graph</Link>}>
      A thread is one conversation or job running through a graph. Open a graph and press “Run” to start one, or import a
      thread exported from another server.
    </EmptyState>
  );
}

function ThreadTable({ rows }: { rows: ThreadListItem[] }) {
  return (
    <table className="table threads-table" aria-label="Threads">
      <thead>
        <tr>
          <th scope="col">Thread</th>
          <th scope="col">Graph</th>
          <th scope="col">Status</th>
          <th scope="col">Started by</th>
          <th scope="col">Started</th>
          <th scope="col">Last activity</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => {
          const href = `/app/threads/${encodeURIComponent(t.thread_id)}${t.graph ? `?graph=${encodeURIComponent(String(t.graph.id))}` : ""}`;
          return (
            <tr key={t.thread_id}>
              <td>
                <Link href={href} className="mono" aria-label={`Open thread ${t.thread_id}`} title={t.thread_id}>
                  {t.thread_id.slice(0, 8)}
                </Link>
              </td>
              <td>
                {t.graph ? t.graph.name : <span className="muted">no graph</span>}
                {t.metadata?.draft === true && (
                  <span className="tag tag-draft" title="Test runs of the graph's unpublished draft">
                    Draft test
                  </span>
                )}
              </td>
              <td>
                <StatusBadge status={toStatus(t.status)} label={t.waiting_for_review ? "Waiting for review" : statusLabel(t.status)} />
              </td>
              <td>{t.started_by ?? <span className="muted">unknown</span>}</td>
              <td title={new Date(t.created_at).toLocaleString()}>{relativeTime(t.created_at)}</td>
              <td title={new Date(t.updated_at).toLocaleString()}>{relativeTime(t.updated_at)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const STATUS_LABELS: Record<string, string> = { idle: "Idle", busy: "Running", interrupted: "Interrupted", error: "Error" };

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}
