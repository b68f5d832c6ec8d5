import { useEffect, useMemo, useState } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import { getGraph } from "../api/graphs";
import { fetchNodeKinds } from "../api/nodeKinds";
import { getThread } from "../api/threads";
import { ApiError, errorMessage } from "../api/http";
import type { GraphDetail, Thread } from "../api/types";
import { Link, useRouter } from "../app/router";
import { useSession } from "../app/SessionContext";
import { exportThread } from "../api/teams";
import { roleAllows } from "../model/roles";
import { downloadJson } from "../ui/download";
import { specToCanvas } from "../model/convert";
import { specNodeModels } from "../model/tokens";
import { kindTitles, nodeLabels } from "../model/labels";
import { Banner } from "../ui/Banner";
import { EmptyState } from "../ui/EmptyState";
import { Loading } from "../ui/Spinner";
import { StatusBadge } from "../ui/StatusBadge";
import { TabList } from "../ui/TabList";
import { useAsync } from "../ui/useAsync";
import { cancelCurrentRun, continueFromBreakpoint, editStateAt, forkWithState, refreshHistory, rerunFrom, resumeInterrupt, retryFailed, runGraph, type ActionResult } from "./actions";
import { AuditPanel } from "./AuditPanel";
import { CommentsPanel } from "./CommentsPanel";
import { DebugCanvas } from "./DebugCanvas";
import { DebuggerContext, useDebugger } from "./DebuggerContext";
import { EventLog } from "./EventLog";
import { FailurePanel } from "./FailurePanel";
import { InterruptPanel } from "./InterruptPanel";
import { RunPanel } from "./RunPanel";
import { ShareDialog } from "./ShareDialog";
import { StateInspector } from "./StateInspector";
import { createDebuggerStore, type DebuggerStoreApi, type DebugTab } from "./store";
import { TimelineArea } from "./TimelineArea";
import { TokenStream } from "./TokenStream";
import { useThreadSocket } from "./useThreadSocket";
import { useNodeLabel } from "./labels";
import { LiveStatus } from "./LiveStatus";

interface Loaded {
  thread: Thread;
  graph: GraphDetail | null;
  graphError: string | null;
  kindTitles: Record<string, string>;
}

/** Which graph the thread runs: the link we came by, else what the thread records. */
function graphIdOf(thread: Thread, fromUrl: string | null): string | null {
  const m = thread.metadata ?? {};
  const recorded = thread.graph_id ?? m.graph_id;
  return fromUrl ?? (recorded !== undefined && recorded !== null ? String(recorded) : null);
}

async function load(threadId: string, graphParam: string | null, signal: AbortSignal): Promise<Loaded> {
  const thread = await getThread(threadId, signal);
  const graphId = graphIdOf(thread, graphParam);
  let graph: GraphDetail | null = null;
  let graphError: string | null = graphId ? null : "This thread does not say which graph it runs.";
  const [g, kinds] = await Promise.all([
    graphId ? getGraph(graphId, signal).catch((e: unknown) => e as Error) : Promise.resolve(null),
    fetchNodeKinds(signal).catch(() => []),
  ]);
  if (g instanceof Error) graphError = `Could not load the graph: ${errorMessage(g)}`;
  else graph = g;
  return { thread, graph, graphError, kindTitles: kindTitles(Object.fromEntries(kinds.map((k) => [k.kind, k.title]))) };
}

export function DebuggerPage({ threadId }: { threadId: string }) {
  const { search } = useRouter();
  const graphParam = search.get("graph");
  const loaded = useAsync((signal) => load(threadId, graphParam, signal), [threadId]);
  if (loaded.status === "loading") return <Loading label="Loading thread…" />;
  if (loaded.status === "error") {
    const missing = loaded.cause instanceof ApiError && loaded.cause.status === 404;
    return (
      <EmptyState
        title={missing ? "Thread not found" : "Could not open this thread"}
        action={
          <>
            <button type="button" className="btn" onClick={loaded.reload}>
              Try again
            </button>
            <Link href="/app/threads" className="btn btn-primary">
              All threads
            </Link>
          </>
        }
      >
        {missing ? "It may have been deleted, or the threads API is not available yet." : loaded.error}
      </EmptyState>
    );
  }
  return <Debugger loaded={loaded.data} />;
}

function Debugger({ loaded }: { loaded: Loaded }) {
  const [api] = useState<DebuggerStoreApi>(() =>
    createDebuggerStore(loaded.thread.thread_id, loaded.graph?.spec.breakpoints ?? { before: [], after: [] }, nodeLabels(loaded.graph?.spec), specNodeModels(loaded.graph?.spec)),
  );
  return (
    <DebuggerContext.Provider value={api}>
      <ReactFlowProvider>
        <DebuggerLayout api={api} loaded={loaded} />
      </ReactFlowProvider>
    </DebuggerContext.Provider>
  );
}

const TABS: { id: DebugTab; label: string }[] = [
  { id: "state", label: "State" },
  { id: "events", label: "Events" },
  { id: "tokens", label: "Tokens" },
  { id: "run", label: "Run" },
];

function DebuggerLayout({ api, loaded }: { api: DebuggerStoreApi; loaded: Loaded }) {
  const socketRef = useThreadSocket(api);
  const doc = useMemo(() => (loaded.graph ? specToCanvas(loaded.graph.spec) : null), [loaded.graph]);
  const runStatus = useDebugger((s) => s.debug.runStatus);
  const runError = useDebugger((s) => s.debug.runError);
  const interrupts = useDebugger((s) => s.debug.interrupts);
  const socket = useDebugger((s) => s.socket);
  const presence = useDebugger((s) => s.presence);
  const tab = useDebugger((s) => s.tab);
  const checkpointCount = useDebugger((s) => s.debug.checkpoints.length);
  const head = useDebugger((s) => s.history[0]);
  const latestCheckpoint = useDebugger((s) => s.debug.checkpoints.at(-1)?.checkpointId);
  // The history is fetched shortly after checkpoint events; until then it is stale.
  const headFresh = !!head && (!latestCheckpoint || head.checkpoint.checkpoint_id === latestCheckpoint);
  const runTraceback = useDebugger((s) => s.debug.runTraceback);
  const nodeStatuses = useDebugger((s) => s.debug.nodes);
  // A failed run also stops with work left (the failed node is next): that is no pause.
  const failed = runStatus === "failed" || (runStatus === "idle" && loaded.thread.status === "error");
  // Stopped with work left and nobody asked anything: a breakpoint (interrupt_before/after).
  const pausedAt =
    !failed && interrupts.length === 0 && runStatus !== "running" && head && headFresh && head.next.length > 0 && !head.tasks.some((t) => t.interrupts?.length)
      ? head.next
      : null;
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [sharing, setSharing] = useState(false);
  // The thread's workspace decides the role; the selected one stands in when the API does not say.
  const role = useSession((s) => s.workspaces.find((w) => w.slug === (loaded.thread.workspace ?? s.workspace))?.role);
  const runId = useDebugger((s) => s.debug.runId);
  const reviewCount = useDebugger((s) => s.debug.reviews.length);
  const commentCount = useDebugger((s) => s.debug.comments.length);
  const auditKey = `${runId}:${runStatus}:${reviewCount}:${commentCount}:${checkpointCount}`;
  // A graph id works wherever LangGraph expects an assistant id (its default assistant).
  // A thread started by ▶ Run in the editor tests the graph's draft, not a version.
  const draftRevision = loaded.thread.metadata?.draft === true && loaded.graph && loaded.graph.source !== "code" ? loaded.graph.draft_revision : null;
  const assistantId = String(loaded.graph?.id ?? graphIdOf(loaded.thread, null) ?? loaded.thread.metadata?.assistant_id ?? "");

  useEffect(() => {
    void refreshHistory(api).then(() => {
      // A thread that never ran: the Run tab is the next thing to do.
      const s = api.getState();
      if (s.historyStatus === "ready" && s.history.length === 0 && s.debug.log.length === 0 && s.tab === "state") s.setTab("run");
    });
  }, [api]);
  // New checkpoints arrive as events; fetch their snapshots shortly after.
  useEffect(() => {
    if (checkpointCount === 0) return;
    const t = setTimeout(() => void refreshHistory(api), 300);
    return () => clearTimeout(t);
  }, [api, checkpointCount]);

  const act = async (what: string, fn: () => Promise<ActionResult>, ok?: string) => {
    setBusy(true);
    setMessage(null);
    const r = await fn();
    setBusy(false);
    if (!r.ok) setMessage({ tone: "error", text: `${what}: ${r.error}` });
    else if (ok) setMessage({ tone: "success", text: ok });
    return r.ok;
  };
  // After starting a run (or a fork) the canvas and inspector follow the newest step again,
  // so the run is watched live rather than an earlier step it left behind.
  const actAndFollow = async (what: string, fn: () => Promise<ActionResult>, ok?: string) => {
    const done = await act(what, fn, ok);
    if (done) api.getState().select(null);
    return done;
  };
  const answer = (value: unknown, interruptId: string) =>
    void actAndFollow("Could not send the review", () => resumeInterrupt(api, socketRef.current, assistantId, value, interruptId));
  const nodeLabel = useNodeLabel();
  const status = pausedAt
    ? "waiting"
    : loaded.thread.status === "error" && runStatus === "idle"
      ? "failed"
      : runStatus === "idle"
        ? loaded.thread.status === "interrupted"
          ? "waiting"
          : "idle"
        : runStatus;

  return (
    <div className="debugger">
      <div className="toolbar" role="toolbar" aria-label="Thread debugger">
        <h1 className="toolbar-title">
          Thread <span className="mono">{loaded.thread.thread_id.slice(0, 8)}</span>
        </h1>
        {loaded.graph && (
          <Link href={`/app/graphs/${encodeURIComponent(loaded.graph.id)}`} className="muted">
            {loaded.graph.name}
          </Link>
        )}
        {draftRevision !== null && (
          <span className="tag tag-draft" title="Runs in this thread test the graph's unpublished draft">
            Draft test
          </span>
        )}
        <StatusBadge status={status} label={pausedAt ? "Paused" : undefined} />
        <LiveStatus socket={socket} />
        {presence.length > 1 && (
          <span className="presence" title={presence.join(", ")}>
            {presence.length} viewing: {presence.join(", ")}
          </span>
        )}
        <div className="toolbar-spacer" />
        {roleAllows(role ?? "editor", "edit") && (
          <button type="button" className="btn btn-sm" aria-haspopup="dialog" onClick={() => setSharing(true)}>
            Share…
          </button>
        )}
        <button
          type="button"
          className="btn btn-sm"
          disabled={busy}
          onClick={() =>
            void act("Could not export the thread", async () => {
              try {
                downloadJson(`thread-${loaded.thread.thread_id}.json`, await exportThread(loaded.thread.thread_id));
                return { ok: true };
              } catch (e) {
                return { ok: false, error: errorMessage(e) };
              }
            })
          }
          title="Download the thread (graph, checkpoints, events, comments) as JSON"
        >
          Export thread
        </button>
        <button type="button" className="btn btn-sm" onClick={() => api.getState().setTab("run")}>
          <span aria-hidden="true">▶ </span>Run…
        </button>
        <button
          type="button"
          className="btn btn-sm btn-danger"
          disabled={busy || (runStatus !== "running" && runStatus !== "waiting")}
          onClick={() => void act("Could not cancel", () => cancelCurrentRun(api, socketRef.current), "Cancel requested.")}
        >
          Cancel run
        </button>
      </div>
      {socket === "unavailable" && <Banner tone="warning">Live updates are not available on this server yet. Reload to see new steps.</Banner>}
      {loaded.graphError && <Banner tone="warning">{loaded.graphError} The canvas is hidden; state and events still work.</Banner>}
      {message && (
        <Banner tone={message.tone} onDismiss={() => setMessage(null)}>
          {message.text}
        </Banner>
      )}
      <div className="debugger-body">
        {doc ? <DebugCanvas doc={doc} kindTitles={loaded.kindTitles} /> : <div className="canvas canvas-missing" />}
        <aside className="side-panel" aria-label="Debugger panels">
          {pausedAt && (
            <section className="interrupt-panel" aria-label="Paused at a breakpoint">
              <span className="badge badge-waiting">
                <span className="badge-dot" aria-hidden="true" />
                Paused
              </span>
              <h2>Stopped before {pausedAt.map(nodeLabel).join(", ")}</h2>
              <p className="muted">Inspect or edit the state below, then continue.</p>
              <div className="btn-group">
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={busy}
                  onClick={() => void actAndFollow("Could not continue", () => continueFromBreakpoint(api, socketRef.current, assistantId))}
                >
                  Continue
                </button>
              </div>
            </section>
          )}
          {failed && (
            <FailurePanel
              nodes={Object.entries(nodeStatuses)
                .filter(([, n]) => n.status === "failed")
                .map(([id]) => ({ id, label: nodeLabel(id) }))}
              error={runError ?? "The run failed."}
              traceback={runTraceback}
              busy={busy}
              draft={draftRevision !== null}
              editHref={
                loaded.graph && loaded.graph.source !== "code" && roleAllows(role ?? "viewer", "edit")
                  ? (nodeId) => `/app/graphs/${encodeURIComponent(loaded.graph?.id ?? "")}?node=${encodeURIComponent(nodeId)}`
                  : null
              }
              onRetry={() =>
                void actAndFollow("Could not retry", () => retryFailed(api, socketRef.current, assistantId, draftRevision !== null), "Retrying from the last checkpoint.")
              }
            />
          )}
          {interrupts.map((i) => (
            <InterruptPanel key={i.id} interrupt={i} busy={busy} onAnswer={(v) => answer(v, i.id)} />
          ))}
          <TabList tabs={TABS} selected={tab} onSelect={(id) => api.getState().setTab(id)} idBase="dbg" label="Debugger sections" />
          <div role="tabpanel" className="tab-panel" id={`dbg-${tab}-panel`} aria-labelledby={`dbg-${tab}`}>
            {tab === "state" && (
              <>
                <StateInspector
                  busy={busy}
                  onEditState={async (values, cp, andRun) => {
                    // Refusals are shown next to the editor (which keeps the text), not in a banner.
                    setBusy(true);
                    setMessage(null);
                    const r = await (andRun ? forkWithState(api, socketRef.current, assistantId, values, cp) : editStateAt(api, values, cp));
                    setBusy(false);
                    if (r.ok) {
                      setMessage({ tone: "success", text: andRun ? "State saved; running from it." : "State saved as a new checkpoint." });
                      if (andRun) api.getState().select(null);
                    }
                    return r;
                  }}
                  onRerun={(cp) => void actAndFollow("Could not re-run", () => rerunFrom(api, socketRef.current, assistantId, cp), "Re-running from the selected checkpoint.")}
                />
                <CommentsPanel threadId={loaded.thread.thread_id} canPost={roleAllows(role ?? "reviewer", "act")} />
              </>
            )}
            {tab === "events" && <EventLog />}
            {tab === "tokens" && <TokenStream />}
            {tab === "run" && (
              <RunPanel
                fields={loaded.graph?.spec.state.fields ?? []}
                graphId={loaded.graph ? String(loaded.graph.id) : null}
                draftRevision={draftRevision}
                nodeLabel={nodeLabel}
                pendingReviews={interrupts.map((i) => (i.node ? nodeLabel(i.node) : "a review"))}
                busy={busy}
                onRun={(input, dropReview) =>
                  void actAndFollow("Could not start the run", () => runGraph(api, socketRef.current, assistantId, input, draftRevision !== null, dropReview)).then(
                    (ok) => ok && api.getState().setTab("tokens"),
                  )
                }
              />
            )}
          </div>
        </aside>
      </div>
      <TimelineArea audit={<AuditPanel threadId={loaded.thread.thread_id} refreshKey={auditKey} />} />
      <ShareDialog threadId={loaded.thread.thread_id} open={sharing} onClose={() => setSharing(false)} />
    </div>
  );
}
