/** LangGraph-Server-compatible thread and run endpoints. */
import { request } from "./http";
import { fetchMe } from "./me";
import type { Run, RunCreate, StateSnapshot, Thread } from "./types";

/**
 * A thread to run the graph in: the caller's newest thread of this graph that never ran
 * (idle, no state yet), else a new one. "Run" in the editor opens the thread page before
 * any run starts, so pressing it again must not pile up empty threads.
 */
export async function createThread(graphId: string, metadata: Record<string, unknown> = {}): Promise<Thread> {
  const me = await fetchMe().catch(() => null);
  const startedBy = me?.user?.username;
  if (startedBy) {
    // A draft test thread is reused only for draft runs, and the other way round.
    const filter = { graph_id: graphId, started_by: startedBy, ...(metadata.draft === true ? { draft: true } : {}) };
    const found = await searchThreads({ metadata: filter, status: "idle", limit: 20 }).catch(() => [] as Thread[]);
    const mine = Array.isArray(found) ? found.filter((t) => (t.metadata?.draft === true) === (metadata.draft === true)) : found;
    // `values: null` (not merely absent) is what the server says of a thread with no state yet.
    const unused = Array.isArray(mine) ? mine.find((t) => t.status === "idle" && t.values === null) : undefined;
    if (unused) return unused;
  }
  const tagged = startedBy ? { ...metadata, started_by: startedBy } : metadata;
  return request<Thread>("/api/threads", { method: "POST", body: { metadata: { ...tagged, graph_id: graphId }, graph_id: graphId } });
}

export function getThread(threadId: string, signal?: AbortSignal): Promise<Thread> {
  return request<Thread>(`/api/threads/${encodeURIComponent(threadId)}`, { signal });
}

export interface ThreadSearch {
  metadata?: Record<string, unknown>;
  status?: string;
  limit?: number;
  offset?: number;
}

export function searchThreads(q: ThreadSearch = {}, signal?: AbortSignal): Promise<Thread[]> {
  return request<Thread[]>("/api/threads/search", { method: "POST", body: { limit: 50, ...q }, signal });
}

export function startRun(threadId: string, body: RunCreate): Promise<Run> {
  return request<Run>(`/api/threads/${encodeURIComponent(threadId)}/runs`, { method: "POST", body });
}

export function cancelRun(threadId: string, runId: string): Promise<unknown> {
  return request(`/api/threads/${encodeURIComponent(threadId)}/runs/${encodeURIComponent(runId)}/cancel`, {
    method: "POST",
  });
}

export function getState(threadId: string, checkpointId?: string, signal?: AbortSignal): Promise<StateSnapshot> {
  const base = `/api/threads/${encodeURIComponent(threadId)}/state`;
  return request<StateSnapshot>(checkpointId ? `${base}/${encodeURIComponent(checkpointId)}` : base, { signal });
}

export function getHistory(
  threadId: string,
  opts: { limit?: number; before?: string } = {},
  signal?: AbortSignal,
): Promise<StateSnapshot[]> {
  const body: Record<string, unknown> = { limit: opts.limit ?? 100 };
  if (opts.before) body.before = { configurable: { checkpoint_id: opts.before } };
  return request<StateSnapshot[]>(`/api/threads/${encodeURIComponent(threadId)}/history`, { method: "POST", body, signal });
}

/** Write state at a checkpoint; the server forks when `checkpointId` is not the head. */
export function updateState(
  threadId: string,
  values: Record<string, unknown>,
  opts: { asNode?: string; checkpointId?: string } = {},
): Promise<{ checkpoint: { checkpoint_id: string } }> {
  return request(`/api/threads/${encodeURIComponent(threadId)}/state`, {
    method: "POST",
    body: { values, as_node: opts.asNode, checkpoint_id: opts.checkpointId },
  });
}

/** A row of the builder's thread list (`GET /api/workspaces/{slug}/threads/`). */
export interface ThreadListItem {
  thread_id: string;
  workspace: string;
  graph: { id: number; slug: string; name: string } | null;
  status: string;
  waiting_for_review: boolean;
  started_by: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface ThreadListPage {
  next: string | null;
  previous: string | null;
  results: ThreadListItem[];
}

/** One cursor page of a workspace's threads, most recent activity first. */
export function listWorkspaceThreads(
  workspace: string,
  query: Record<string, string | undefined>,
  opts: { cursor?: string; pageSize?: number; signal?: AbortSignal } = {},
): Promise<ThreadListPage> {
  return request<ThreadListPage>(`/api/workspaces/${encodeURIComponent(workspace)}/threads/`, {
    query: { ...query, cursor: opts.cursor, page_size: opts.pageSize ?? 50 },
    signal: opts.signal,
  });
}
