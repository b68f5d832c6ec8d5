import { useRef, useState } from "react";
import { useReactFlow } from "@xyflow/react";
import { canRedo, canUndo } from "../model/history";
import { canvasToSpec } from "../model/convert";
import { parseSpec } from "../model/graphspec";
import { createThread } from "../api/threads";
import { errorMessage } from "../api/http";
import { useRouter } from "../app/router";
import { useEditor, useEditorApi } from "./EditorContext";
import type { SaveStatus } from "./store";
import { exportFileName } from "./fileName";

const SAVE_TEXT: Record<SaveStatus, string> = {
  saved: "All changes saved",
  dirty: "Unsaved changes…",
  saving: "Saving…",
  error: "Not saved",
  conflict: "Conflict: choose a version",
  "read-only": "Read-only",
};

export function downloadText(filename: string, text: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function Toolbar({
  onPublish,
  onMermaid,
  onSave,
  onMessage,
}: {
  onPublish: () => void;
  onMermaid: () => void;
  onSave: () => Promise<void>;
  onMessage: (tone: "error" | "success", text: string) => void;
}) {
  const api = useEditorApi();
  const { fitView } = useReactFlow();
  const { navigate } = useRouter();
  const name = useEditor((s) => s.history.present.meta.name);
  // While a version diff is shown, the canvas is not the draft: no edit controls.
  const readOnly = useEditor((s) => s.readOnly || s.diff !== null);
  const codeOrViewer = useEditor((s) => s.readOnly);
  const undoable = useEditor((s) => canUndo(s.history));
  const redoable = useEditor((s) => canRedo(s.history));
  const saveStatus = useEditor((s) => s.saveStatus);
  const saveError = useEditor((s) => s.saveError);
  const graphId = useEditor((s) => s.graphId);
  const fileRef = useRef<HTMLInputElement>(null);
  const [starting, setStarting] = useState(false);
  const s = api.getState();

  const exportJson = () => {
    const spec = canvasToSpec(api.getState().history.present);
    downloadText(exportFileName(spec.name), JSON.stringify(spec, null, 2) + "\n");
  };
  const importJson = async (file: File) => {
    try {
      const parsed = parseSpec(JSON.parse(await file.text()));
      if ("error" in parsed) onMessage("error", `Could not import ${file.name}: ${parsed.error}`);
      else {
        api.getState().replaceSpec(parsed.spec);
        onMessage("success", `Imported ${file.name}. Undo (Ctrl/⌘ Z) brings back the previous graph.`);
        void fitView({ duration: 300 });
      }
    } catch (e) {
      onMessage("error", `Could not import ${file.name}: ${errorMessage(e)}`);
    }
  };
  // ▶ Run tests what is on screen: a graph's draft is saved first and run as a draft
  // (code graphs have no draft; they run their code).
  const run = async () => {
    setStarting(true);
    try {
      if (!codeOrViewer) {
        await onSave();
        const { saveStatus: after, saveError: why } = api.getState();
        if (after !== "saved") {
          onMessage("error", `Save the draft before running it${why ? `: ${why}` : "."}`);
          return;
        }
      }
      const t = await createThread(graphId, codeOrViewer ? { graph_name: name } : { graph_name: name, draft: true });
      navigate(`/app/threads/${encodeURIComponent(t.thread_id)}?graph=${encodeURIComponent(graphId)}`);
    } catch (e) {
      onMessage("error", `Could not start a thread: ${errorMessage(e)}`);
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Graph editor">
      <h1 className="toolbar-title" title={name}>
        {name || "Untitled graph"}
      </h1>
      {codeOrViewer ? (
        <span className="tag" title="Defined in code; edit the Python file instead">
          Read-only (defined in code)
        </span>
      ) : readOnly ? (
        <span className="tag">Comparing versions (read-only)</span>
      ) : (
        <span className={`save-status save-${saveStatus}`} role="status" title={saveError ?? undefined}>
          {SAVE_TEXT[saveStatus]}
          {saveStatus === "error" && (
            <button type="button" className="btn btn-sm" onClick={() => void onSave()}>
              Retry
            </button>
          )}
        </span>
      )}
      <div className="toolbar-spacer" />
      {!readOnly && (
        <div className="btn-group">
          <button type="button" className="btn btn-sm" onClick={() => s.undo()} disabled={!undoable} aria-label="Undo" title="Undo (Ctrl/⌘ Z)">
            ↶ Undo
          </button>
          <button type="button" className="btn btn-sm" onClick={() => s.redo()} disabled={!redoable} aria-label="Redo" title="Redo (Ctrl/⌘ Shift Z)">
            ↷ Redo
          </button>
          <span className="toolbar-sep" aria-hidden="true" />
          <button type="button" className="btn btn-sm" onClick={() => {
            s.autoLayout();
            setTimeout(() => void fitView({ duration: 300, padding: 0.2 }), 30);
          }}>
            Auto-layout
          </button>
        </div>
      )}
      <div className="btn-group">
        <button type="button" className="btn btn-sm" onClick={() => void fitView({ duration: 300, padding: 0.2 })} title="Fit view (Shift 1)">
          Fit view
        </button>
        <span className="toolbar-sep" aria-hidden="true" />
        {!readOnly && (
          <>
            <button type="button" className="btn btn-sm" onClick={() => fileRef.current?.click()}>
              Import JSON
            </button>
            <input
              ref={fileRef}
              type="file"
              accept="application/json,.json"
              hidden
              aria-label="Import a graph spec file"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void importJson(f);
                e.target.value = "";
              }}
            />
          </>
        )}
        <button type="button" className="btn btn-sm" onClick={exportJson}>
          Export JSON
        </button>
        <button type="button" className="btn btn-sm" onClick={onMermaid}>
          Mermaid
        </button>
        <span className="toolbar-sep" aria-hidden="true" />
        {!readOnly && (
          <button type="button" className="btn btn-sm" onClick={onPublish}>
            Publish…
          </button>
        )}
        <button
          type="button"
          className="btn btn-sm btn-primary"
          onClick={() => void run()}
          disabled={starting}
          title={codeOrViewer ? "Run the graph" : "Test-run the draft on screen (saved first; no need to publish)"}
        >
          {starting ? "Starting…" : <><span aria-hidden="true">▶ </span>Run</>}
        </button>
      </div>
    </div>
  );
}
