import { useEffect, useMemo, useState } from "react";
import { fetchMermaid, publishVersion } from "../api/graphs";
import { ApiError, errorMessage } from "../api/http";
import { canvasToSpec } from "../model/convert";
import { specToMermaid } from "../model/mermaid";
import { summarizeSpecChanges } from "../model/specChanges";
import { Dialog } from "../ui/Dialog";
import { relativeTime } from "../ui/time";
import { useCatalog, useEditor, useEditorApi } from "./EditorContext";
import { describePublishError, plural } from "./problemText";

/** 409 on save: show what the other person changed; keep mine or take theirs. */
export function ConflictDialog() {
  const api = useEditorApi();
  const conflict = useEditor((s) => s.conflict);
  // Only while a conflict is shown: otherwise every edit (each drag tick) would re-render this.
  const doc = useEditor((s) => (s.conflict ? s.history.present : null));
  const summary = useMemo(() => (conflict && doc ? summarizeSpecChanges(canvasToSpec(doc), conflict.spec) : null), [conflict, doc]);
  return (
    <Dialog
      title="Someone else changed this graph"
      open={!!conflict}
      onClose={() => undefined}
      dismissible={false}
      footer={
        <>
          <button type="button" className="btn" onClick={() => api.getState().takeTheirs()}>
            Take theirs
          </button>
          <button type="button" className="btn btn-primary" onClick={() => api.getState().keepMine()}>
            Keep mine
          </button>
        </>
      }
    >
      {conflict && (
        <>
          <p>
            <strong>{conflict.updated_by ?? "Another editor"}</strong> saved a newer draft {relativeTime(conflict.updated_at)} (revision{" "}
            {conflict.draft_revision}) while you were editing. Their version, compared with yours:
          </p>
          <ul className="change-list">
            {summary?.lines.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
          <p className="muted">
            <strong>Keep mine</strong> saves your version over theirs; <strong>Take theirs</strong> loads their version and
            drops your unsaved edits (Undo brings them back). Nothing is saved until you choose.
          </p>
        </>
      )}
    </Dialog>
  );
}

export function PublishDialog({ open, onClose, onPublished }: { open: boolean; onClose: () => void; onPublished: (n: number) => void }) {
  const graphId = useEditor((s) => s.graphId);
  const saveStatus = useEditor((s) => s.saveStatus);
  const errors = useEditor((s) => s.problems.filter((p) => p.severity === "error").length);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open) {
      setNote("");
      setError(null);
    }
  }, [open]);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const v = await publishVersion(graphId, note.trim());
      onPublished(v.number);
      onClose();
    } catch (e) {
      setError(e instanceof ApiError && e.isMissing ? "Publishing is not available on this server yet." : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const unsaved = saveStatus !== "saved";
  return (
    <Dialog
      title="Publish a version"
      open={open}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="publish-form" className="btn btn-primary" disabled={busy || unsaved}>
            {busy ? "Publishing…" : "Publish"}
          </button>
        </>
      }
    >
      <form
        id="publish-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted">A version is an immutable snapshot of the saved draft. Runs use published versions.</p>
        {unsaved && <p className="field-error">Wait for the draft to finish saving first.</p>}
        {errors > 0 && (
          <p className="field-error">
            The graph has {plural(errors, "error")}; the server may refuse to publish it. See the Problems tab.
          </p>
        )}
        <label className="field">
          <span>What changed?</span>
          <textarea autoFocus rows={3} value={note} onChange={(e) => setNote(e.target.value)} placeholder="Tightened the classifier prompt" />
        </label>
        {error && <PublishError message={error} />}
      </form>
    </Dialog>
  );
}

/** The server's refusal with labels and field names, each problem once (not pointer, then message). */
function PublishError({ message }: { message: string }) {
  const api = useEditorApi();
  const { kinds } = useCatalog();
  const parsed = describePublishError(message, canvasToSpec(api.getState().history.present), kinds);
  if (!parsed) {
    return (
      <p className="field-error" role="alert">
        {message}
      </p>
    );
  }
  return (
    <div className="field-error" role="alert">
      <p>{parsed.intro}:</p>
      <ul>
        {parsed.lines.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
    </div>
  );
}

export function MermaidDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const api = useEditorApi();
  const graphId = useEditor((s) => s.graphId);
  const [text, setText] = useState<string | null>(null);
  const [local, setLocal] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!open) return;
    const ctrl = new AbortController();
    setText(null);
    setCopied(false);
    fetchMermaid(graphId, ctrl.signal).then(
      (t) => {
        setText(t);
        setLocal(false);
      },
      (e: unknown) => {
        if ((e as Error).name === "AbortError") return;
        // The server export is unavailable: draw it from the current draft instead.
        setText(specToMermaid(canvasToSpec(api.getState().history.present)));
        setLocal(true);
      },
    );
    return () => ctrl.abort();
  }, [open, graphId, api]);
  return (
    <Dialog
      title="Mermaid diagram"
      open={open}
      onClose={onClose}
      wide
      footer={
        <>
          <button
            type="button"
            className="btn"
            disabled={!text}
            onClick={() => {
              if (text) void navigator.clipboard?.writeText(text).then(() => setCopied(true));
            }}
          >
            {copied ? "Copied" : "Copy to clipboard"}
          </button>
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        </>
      }
    >
      {local && <p className="muted">Generated in the browser from the current draft (the server export is unavailable).</p>}
      <pre className="code" aria-label="Mermaid source">
        {text ?? "Loading…"}
      </pre>
    </Dialog>
  );
}
