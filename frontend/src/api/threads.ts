/** LangGraph-Server-compatible thread and run endpoints. */
import { request } from "./http";
import type { Run, RunCreate, StateSnapshot, Thread } from "./types";

export function createThread(graphId: string, metadata: Record<string, unknown> = {}): Promise<Thread> {
  return request<Thread>("/api/threads", { method: "POST", body: { metadata: { ...metadata, graph_id: graphId }, graph_id: graphId } });
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
