/** Checkpoint comments: parsing the `comment.created` event and merging what was fetched with what arrived live. */

export interface CheckpointComment {
  id: number;
  thread_id?: string;
  checkpoint_id: string;
  author: string | null;
  body: string;
  created_at: string;
}

/** A comment from an event's data, or null when the payload is not one. */
export function commentFromEvent(data: unknown): CheckpointComment | null {
  if (!data || typeof data !== "object" || Array.isArray(data)) return null;
  const d = data as Record<string, unknown>;
  if (typeof d.id !== "number" || typeof d.checkpoint_id !== "string" || typeof d.body !== "string") return null;
  return {
    id: d.id,
    thread_id: typeof d.thread_id === "string" ? d.thread_id : undefined,
    checkpoint_id: d.checkpoint_id,
    author: typeof d.author === "string" ? d.author : null,
    body: d.body,
    created_at: typeof d.created_at === "string" ? d.created_at : "",
  };
}

/** All comments once each (by id), oldest first. */
export function mergeComments(...lists: readonly (readonly CheckpointComment[])[]): CheckpointComment[] {
  const byId = new Map<number, CheckpointComment>();
  for (const list of lists) for (const c of list) if (!byId.has(c.id)) byId.set(c.id, c);
  return [...byId.values()].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
}

/** The comments on one checkpoint. */
export function commentsAt(comments: readonly CheckpointComment[], checkpointId: string | null | undefined): CheckpointComment[] {
  return checkpointId ? comments.filter((c) => c.checkpoint_id === checkpointId) : [];
}

/** How many comments each checkpoint has (for marking timeline dots). */
export function commentCounts(comments: readonly CheckpointComment[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of comments) counts.set(c.checkpoint_id, (counts.get(c.checkpoint_id) ?? 0) + 1);
  return counts;
}
