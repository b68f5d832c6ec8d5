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

/** One graph with its draft; tolerates the draft arriving as `draft` instead of `spec`. */
export async function getGraph(id: string, signal?: AbortSignal): Promise<GraphDetail> {
  const g = await request<GraphDetail & { draft?: GraphSpec }>(`/api/graphs/${encodeURIComponent(id)}/`, { signal });
  return { ...g, spec: g.spec ?? g.draft, read_only: Boolean(g.read_only) || g.source === "code" };
}

export type SaveDraftResult =
  | { ok: true; draft_revision: number }
  | { ok: false; conflict: DraftConflict };

/**
 * The draft another editor saved, from a 409 body. Accepts `current` at the top
 * level or inside `error`, holding the spec as `spec` or `draft`.
 */
export function conflictFrom(body: unknown): DraftConflict | null {
  if (!body || typeof body !== "object") return null;
  const b = body as Record<string, unknown>;
  const err = (b.error && typeof b.error === "object" ? b.error : {}) as Record<string, unknown>;
  const cur = (b.current ?? err.current) as Record<string, unknown> | undefined;
  if (!cur || typeof cur !== "object") return null;
  const spec = (cur.spec ?? cur.draft) as DraftConflict["spec"] | undefined;
  if (!spec || typeof cur.draft_revision !== "number") return null;
  return {
    spec,
    draft_revision: cur.draft_revision,
    updated_by: typeof cur.updated_by === "string" ? cur.updated_by : null,
    updated_at: typeof cur.updated_at === "string" ? cur.updated_at : "",
  };
}

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
    const conflict = e instanceof ApiError && e.status === 409 ? conflictFrom(e.body) : null;
    if (conflict) return { ok: false, conflict };
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

/** Mermaid text for the graph; the API answers `{mermaid}` (plain text is accepted too). */
export async function fetchMermaid(id: string, signal?: AbortSignal): Promise<string> {
  const raw = await request<string>(`/api/graphs/${encodeURIComponent(id)}/mermaid/`, { text: true, signal });
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === "object" && typeof (parsed as { mermaid?: unknown }).mermaid === "string") {
      return (parsed as { mermaid: string }).mermaid;
    }
  } catch {
    /* plain text */
  }
  return raw;
}
