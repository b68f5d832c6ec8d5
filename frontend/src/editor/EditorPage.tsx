import { useCallback, useEffect, useMemo, useState } from "react";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { ApiError } from "../api/http";
import { Link, useRouter } from "../app/router";
import { useSession } from "../app/SessionContext";
import { Banner, type BannerTone } from "../ui/Banner";
import { EmptyState } from "../ui/EmptyState";
import { Loading } from "../ui/Spinner";
import { useAsync } from "../ui/useAsync";
import { CatalogContext, EditorContext, useEditor } from "./EditorContext";
import { EditorCanvas } from "./EditorCanvas";
import { Palette } from "./Palette";
import { SidePanel } from "./SidePanel";
import { Toolbar } from "./Toolbar";
import { DiffCanvas, DiffChanges } from "./VersionDiff";
import { Toasts, type ToastMessage } from "./Toasts";
import { ConflictDialog, MermaidDialog, PublishDialog } from "./Dialogs";
import { createEditorStore, type EditorStoreApi } from "./store";
import { loadEditorData, type LoadedGraph } from "./loadEditor";
import { useAutosave } from "./hooks/useAutosave";
import { useValidation } from "./hooks/useValidation";
import { useKeyboardShortcuts } from "./hooks/useKeyboardShortcuts";
import { useClipboard } from "./hooks/useClipboard";

export function EditorPage({ graphId }: { graphId: string }) {
  const loaded = useAsync((signal) => loadEditorData(graphId, signal), [graphId]);
  if (loaded.status === "loading") return <Loading label="Loading graph…" />;
  if (loaded.status === "error") {
    const missing = loaded.cause instanceof ApiError && loaded.cause.status === 404;
    return (
      <EmptyState
        title={missing ? "Graph not found" : "Could not open this graph"}
        action={
          <>
            <button type="button" className="btn" onClick={loaded.reload}>
              Try again
            </button>
            <Link href="/app/graphs" className="btn btn-primary">
              Back to graphs
            </Link>
          </>
        }
      >
        {missing ? "It may have been deleted, or the graphs API is not available yet." : loaded.error}
      </EmptyState>
    );
  }
  return <Editor loaded={loaded.data} />;
}

function Editor({ loaded }: { loaded: LoadedGraph }) {
  const workspaces = useSession((s) => s.workspaces);
  // Viewers and reviewers may open a graph but not change it (the server enforces this too).
  const role = workspaces.find((w) => w.slug === loaded.graph.workspace)?.role;
  const mayEdit = role === undefined || role === "owner" || role === "editor";
  const [api] = useState<EditorStoreApi>(() =>
    createEditorStore({
      graphId: String(loaded.graph.id),
      spec: loaded.graph.spec,
      draftRevision: loaded.graph.draft_revision,
      readOnly: Boolean(loaded.graph.read_only) || loaded.graph.source === "code" || !mayEdit,
    }),
  );
  const catalog = useMemo(() => ({ kinds: loaded.kinds, fallback: loaded.catalogFallback }), [loaded]);
  return (
    <EditorContext.Provider value={api}>
      <CatalogContext.Provider value={catalog}>
        <ReactFlowProvider>
          <EditorLayout api={api} codeDefined={loaded.graph.source === "code" || (Boolean(loaded.graph.read_only) && mayEdit)} />
        </ReactFlowProvider>
      </CatalogContext.Provider>
    </EditorContext.Provider>
  );
}

function EditorLayout({ api, codeDefined }: { api: EditorStoreApi; codeDefined: boolean }) {
  const readOnly = useEditor((s) => s.readOnly);
  const diffing = useEditor((s) => s.diff !== null);
  const saveStatus = useEditor((s) => s.saveStatus);
  const saveError = useEditor((s) => s.saveError);
  const { fitView } = useReactFlow();
  const { saveNow } = useAutosave(api);
  useValidation(api);
  // `?node=ID` (e.g. "Edit config" of a failed node in the debugger) opens with it selected.
  const { search } = useRouter();
  const linkedNode = search.get("node");
  useEffect(() => {
    if (linkedNode) api.getState().select({ nodes: [linkedNode] });
  }, [api, linkedNode]);
  const extras = useMemo(() => ({ save: () => void saveNow(), fitView: () => void fitView({ duration: 300, padding: 0.2 }) }), [saveNow, fitView]);
  useKeyboardShortcuts(api, extras);
  const [publishing, setPublishing] = useState(false);
  const [mermaid, setMermaid] = useState(false);
  const [versionsKey, setVersionsKey] = useState(0);
  const [message, setMessage] = useState<ToastMessage | null>(null);
  const onMessage = useCallback((tone: BannerTone, text: string) => setMessage((m) => ({ tone, text, nonce: (m?.nonce ?? 0) + 1 })), []);
  const dismissMessage = useCallback(() => setMessage(null), []);
  const notice = useEditor((s) => s.notice);
  const dismissNotice = useCallback(() => api.getState().dismissNotice(), [api]);
  const toasts = [
    ...(message ? [{ message, onDismiss: dismissMessage }] : []),
    ...(notice ? [{ message: { tone: "info" as const, text: notice.text, nonce: notice.nonce }, onDismiss: dismissNotice }] : []),
  ];
  useClipboard(api, onMessage);
  return (
    <div className="editor">
      <Toolbar onPublish={() => setPublishing(true)} onMermaid={() => setMermaid(true)} onSave={saveNow} onMessage={onMessage} />
      {readOnly && (
        <Banner tone="info">
          {codeDefined
            ? "This graph is defined in Python code, so the canvas is read-only. You can still run and debug it."
            : "You can view this graph but not change it (your role in its workspace does not allow editing)."}
        </Banner>
      )}
      {saveStatus === "error" && <Banner tone="error">The draft could not be saved: {saveError}. Your changes are kept in this tab.</Banner>}
      <Toasts items={toasts} />
      {diffing ? (
        <div className="editor-body no-palette">
          <DiffCanvas />
          <DiffChanges />
        </div>
      ) : (
        <div className={readOnly ? "editor-body no-palette" : "editor-body"}>
          {!readOnly && <Palette />}
          <EditorCanvas />
          <SidePanel onPublish={() => setPublishing(true)} versionsKey={versionsKey} />
        </div>
      )}
      <ConflictDialog />
      <PublishDialog
        open={publishing}
        onClose={() => setPublishing(false)}
        onPublished={(n) => {
          setVersionsKey((k) => k + 1);
          onMessage("success", `Published version ${n}.`);
          api.getState().setTab("versions");
        }}
      />
      <MermaidDialog open={mermaid} onClose={() => setMermaid(false)} />
    </div>
  );
}
