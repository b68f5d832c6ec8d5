import { useMemo, useState } from "react";
import { addComment, listComments, type Comment } from "../api/teams";
import { ApiError, errorMessage } from "../api/http";
import { commentsAt, mergeComments } from "../model/comments";
import { relativeTime } from "../ui/time";
import { useAsync } from "../ui/useAsync";
import { useDebugger } from "./DebuggerContext";
import { selectedSnapshots } from "./store";

/**
 * Comments on the selected checkpoint: fetched once (or given, on a share link), merged
 * with the ones that arrive live as `comment.created` events. Bodies are plain text.
 */
export function CommentsPanel({ threadId, initial, canPost = false }: { threadId: string; initial?: readonly Comment[]; canPost?: boolean }) {
  const history = useDebugger((s) => s.history);
  const selected = useDebugger((s) => s.selected);
  const live = useDebugger((s) => s.debug.comments);
  const checkpointId = selectedSnapshots({ history, selected }).current?.checkpoint.checkpoint_id ?? null;
  const fetched = useAsync((signal) => (initial ? Promise.resolve([]) : listComments(threadId, undefined, signal)), [threadId, initial]);
  const [posted, setPosted] = useState<Comment[]>([]);
  const all = useMemo(() => mergeComments(initial ?? fetched.data ?? [], posted, live), [initial, fetched.data, posted, live]);
  const shown = commentsAt(all, checkpointId);
  if (!checkpointId) return null;
  const status = initial ? "ready" : fetched.status;
  const unavailable = fetched.status === "error" && fetched.cause instanceof ApiError && fetched.cause.isMissing;
  return (
    <section className="comments" aria-label="Comments on this checkpoint">
      <h3>Comments on this checkpoint ({shown.length})</h3>
      {fetched.status === "error" && (
        <p className="empty-inline">{unavailable ? "Comments are not available on this server yet." : `Could not load comments: ${fetched.error}`}</p>
      )}
      {shown.length === 0 && fetched.status !== "error" ? (
        <p className="empty-inline">{status === "loading" ? "Loading comments…" : "No comments on this checkpoint."}</p>
      ) : (
        <ol className="comment-list">
          {shown.map((c) => (
            <li key={c.id} className="comment">
              <span className="comment-head">
                <strong>{c.author ?? "someone"}</strong>{" "}
                <time className="muted" dateTime={c.created_at} title={c.created_at}>
                  {relativeTime(c.created_at)}
                </time>
              </span>
              <p className="comment-body">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canPost && !unavailable && (
        <CommentForm key={checkpointId} threadId={threadId} checkpointId={checkpointId} onPosted={(c) => setPosted((p) => [...p, c])} />
      )}
    </section>
  );
}

function CommentForm({ threadId, checkpointId, onPosted }: { threadId: string; checkpointId: string; onPosted: (c: Comment) => void }) {
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const text = body.trim();
    if (!text) return;
    setBusy(true);
    setError(null);
    try {
      onPosted(await addComment(threadId, checkpointId, text));
      setBody("");
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="comment-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="field">
        <span>Add a comment</span>
        <textarea value={body} maxLength={4000} rows={3} onChange={(e) => setBody(e.target.value)} disabled={busy} />
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-sm btn-primary" disabled={busy || !body.trim()}>
        Add comment
      </button>
    </form>
  );
}
