import { useEffect, useMemo, useState } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import { getSharedThread, type SharedThread } from "../api/teams";
import { ApiError } from "../api/http";
import { specToCanvas } from "../model/convert";
import { specNodeModels } from "../model/tokens";
import { KIND_TITLES, nodeLabels } from "../model/labels";
import { flushPending, initialDebugState, reduceEvents } from "../model/events";
import { Banner } from "../ui/Banner";
import { TabList } from "../ui/TabList";
import { EmptyState } from "../ui/EmptyState";
import { Loading } from "../ui/Spinner";
import { StatusBadge, toStatus } from "../ui/StatusBadge";
import { useAsync } from "../ui/useAsync";
import { AuditPanel } from "./AuditPanel";
import { CommentsPanel } from "./CommentsPanel";
import { DebugCanvas } from "./DebugCanvas";
import { DebuggerContext, useDebugger } from "./DebuggerContext";
import { EventLog } from "./EventLog";
import { StateInspector } from "./StateInspector";
import { createDebuggerStore, type DebugTab } from "./store";
import { TimelineArea } from "./TimelineArea";
import { TokenStream } from "./TokenStream";
import { useNodeLabel } from "./labels";

/** The server-rendered history under #root, for readers without JavaScript. */
function setFallbackHidden(hidden: boolean) {
  document.getElementById("share-view")?.toggleAttribute("hidden", hidden);
}

/**
 * A thread opened through a share link (`/share/<token>/`): the debugger's canvas,
 * timeline, state, events, comments and audit trail from one public, read-only answer,
 * with nothing to edit, run or review.
 */
export function SharePage({ token }: { token: string }) {
  const loaded = useAsync((signal) => getSharedThread(token, signal), [token]);
  const unreachable = loaded.status === "error" && loaded.cause instanceof ApiError && loaded.cause.status === 0;
  useEffect(() => {
    // Without the API the server's copy is still worth reading.
    setFallbackHidden(!unreachable);
  }, [unreachable]);
  if (loaded.status === "loading") return <Loading label="Loading the shared thread…" />;
  if (loaded.status === "error") {
    return (
      <EmptyState
        title="This share link is not available"
        action={
          <button type="button" className="btn" onClick={loaded.reload}>
            Try again
          </button>
        }
      >
        {loaded.error}
      </EmptyState>
    );
  }
  return <SharedDebugger data={loaded.data} />;
}

function SharedDebugger({ data }: { data: SharedThread }) {
  const [api] = useState(() => {
    const store = createDebuggerStore(data.thread.thread_id, undefined, nodeLabels(data.graph?.spec), specNodeModels(data.graph?.spec));
    const debug = flushPending(reduceEvents(initialDebugState(), data.events ?? []));
    store.setState({ debug, socket: "unavailable" });
    store.getState().setHistory(data.history ?? []);
    return store;
  });
  return (
    <DebuggerContext.Provider value={api}>
      <ReactFlowProvider>
        <SharedLayout data={data} />
      </ReactFlowProvider>
    </DebuggerContext.Provider>
  );
}

const TABS: { id: DebugTab; label: string }[] = [
  { id: "state", label: "State" },
  { id: "events", label: "Events" },
  { id: "tokens", label: "Tokens" },
];

function SharedLayout({ data }: { data: SharedThread }) {
  const tab = useDebugger((s) => s.tab);
  const setTab = useDebugger((s) => s.setTab);
  const interrupts = useDebugger((s) => s.debug.interrupts);
  const spec = data.graph?.spec ?? null;
  const doc = useMemo(() => (spec ? specToCanvas(spec) : null), [spec]);
  const threadId = data.thread.thread_id;
  const label = useNodeLabel();
  const waitingAt = [...new Set(interrupts.map((i) => i.node).filter(Boolean).map(label))];
  return (
    <div className="debugger shared-thread">
      <Banner tone="info">Read-only shared view: you can look at this thread's history, but not run, review or change it.</Banner>
      <div className="toolbar">
        <h1 className="toolbar-title">{data.graph?.name ?? "Thread"}</h1>
        <StatusBadge status={toStatus(data.thread.status)} label={data.thread.status} />
        <span className="muted">
          Thread <span className="mono">{threadId.slice(0, 8)}</span>
          {data.graph?.version != null ? ` · graph version ${data.graph.version}` : ""}
          {` · updated ${new Date(data.thread.updated_at).toLocaleString()}`}
        </span>
      </div>
      {waitingAt.length > 0 && <Banner tone="warning">This thread is waiting for a review at {waitingAt.join(", ")}.</Banner>}
      {data.events_truncated && <Banner tone="warning">Only the first {data.events.length} events are shared; node statuses may be incomplete.</Banner>}
      <div className="debugger-body">
        {doc ? (
          <DebugCanvas doc={doc} kindTitles={KIND_TITLES} readOnly />
        ) : (
          <div className="canvas canvas-missing" role="img" aria-label="No graph picture">
            <p className="empty-inline">{data.graph ? "This graph is written in code; its picture is not part of the shared view." : "The thread's graph is not shared."}</p>
          </div>
        )}
        <aside className="side-panel" aria-label="Thread panels">
          <TabList tabs={TABS} selected={tab} onSelect={setTab} idBase="dbg" label="Thread sections" />
          <div role="tabpanel" className="tab-panel" id={`dbg-${tab}-panel`} aria-labelledby={`dbg-${tab}`}>
            {(tab === "state" || tab === "run") && (
              <>
                <StateInspector />
                <CommentsPanel threadId={threadId} initial={data.comments} />
              </>
            )}
            {tab === "events" && <EventLog />}
            {tab === "tokens" && <TokenStream />}
          </div>
        </aside>
      </div>
      <TimelineArea audit={<AuditPanel threadId={threadId} entries={data.audit} />} />
    </div>
  );
}
