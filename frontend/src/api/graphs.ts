import { ApiError, request } from "./http";
import type { DraftConflict, GraphDetail, GraphSummary, GraphVersion, Paginated, Problem } from "./types";
import type { GraphSpec } from "../model/graphspec";

/** Graphs of one workspace, newest first as the server orders them. */
export async function listGraphs(workspace: string, signal?: AbortSignal): Promise<GraphSummary[]> {
  const r = await request<Paginated<GraphSummary> | GraphSummary[]>("/api/graphs/", { query: { workspace }, signal });
  return Array.isArray(r) ? r : r.results;
}

export function createGraph(workspace: string, name: string, spec: GraphSpec): Promise<GraphDetail> {
  return request<GraphDetail>("/api/graphs/", { method: "POST", body: { workspace, name, spec } });
}

export function getGraph(id: string, signal?: AbortSignal): Promise<GraphDetail> {
  return request<GraphDetail>(`/api/graphs/${encodeURIComponent(id)}/`, { signal });
}

export type SaveDraftResult =
  | { ok: true; draft_revision: number }
  | { ok: false; conflict: DraftConflict };

/**
 * Save the draft with optimistic concurrency: the server answers 409 with the
 * current draft when someone else saved since `draftRevision`.
 */
export async function saveDraft(id: string, spec: GraphSpec, draftRevision: number): Promise<SaveDraftResult> {
  try {
    const r = await request<{ draft_revision: number }>(`/api/graphs/${encodeURIComponent(id)}/`, {
      method: "PATCH",
      body: { spec, draft_revision: draftRevision },
    });
    return { ok: true, draft_revision: r.draft_revision };
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && e.body && typeof e.body === "object" && "current" in e.body) {
      return { ok: false, conflict: (e.body as { current: DraftConflict }).current };
    }
    throw e;
  }
}

export async function validateGraph(id: string, spec: GraphSpec, signal?: AbortSignal): Promise<Problem[]> {
  const r = await request<{ problems: Problem[] }>(`/api/graphs/${encodeURIComponent(id)}/validate/`, {
    method: "POST",
    body: { spec },
    signal,
  });
  return r.problems ?? [];
}

export function publishVersion(id: string, note: string): Promise<GraphVersion> {
  return request<GraphVersion>(`/api/graphs/${encodeURIComponent(id)}/versions/`, { method: "POST", body: { note } });
}

export async function listVersions(id: string, signal?: AbortSignal): Promise<GraphVersion[]> {
  const r = await request<Paginated<GraphVersion> | GraphVersion[]>(`/api/graphs/${encodeURIComponent(id)}/versions/`, {
    signal,
  });
  return Array.isArray(r) ? r : r.results;
}

export function getVersion(id: string, number: number, signal?: AbortSignal): Promise<GraphVersion> {
  return request<GraphVersion>(`/api/graphs/${encodeURIComponent(id)}/versions/${number}/`, { signal });
}

export function fetchMermaid(id: string, signal?: AbortSignal): Promise<string> {
  return request<string>(`/api/graphs/${encodeURIComponent(id)}/mermaid/`, { text: true, signal });
}
