/** The debugger's store: folded event stream, checkpoint history, selection and next-run breakpoints. */
import { createStore } from "zustand/vanilla";
import type { SocketStatus } from "../api/socket";
import type { StateSnapshot } from "../api/types";
import { flushPending, initialDebugState, reduceEvents, type DebugState, type ThreadEvent } from "../model/events";

export type DebugTab = "state" | "events" | "tokens" | "run";

export interface DebuggerState {
  threadId: string;
  debug: DebugState;
  history: StateSnapshot[];
  historyStatus: "loading" | "ready" | "error" | "unavailable";
  /** Checkpoint shown in the state inspector; null follows the newest. */
  selected: string | null;
  breakpointsBefore: string[];
  breakpointsAfter: string[];
  socket: SocketStatus;
  /** Who else has this thread open (from the socket's presence messages). */
  presence: string[];
  tab: DebugTab;
  /** Node id → label of the graph, so panels say "Approve reply", not "review". */
  nodeLabels: Record<string, string>;
  /** Provider and model of the graph's llm nodes (from the spec), for tokens whose events do not say. */
  nodeModels: Record<string, { provider: string; model: string }>;
}

export interface DebuggerActions {
  receive: (e: ThreadEvent) => void;
  /** Fold several events in with one state update. */
  receiveMany: (events: readonly ThreadEvent[]) => void;
  flush: () => void;
  setHistory: (h: StateSnapshot[]) => void;
  setHistoryStatus: (s: DebuggerState["historyStatus"]) => void;
  select: (checkpointId: string | null) => void;
  toggleBreakpoint: (node: string, when?: "before" | "after") => void;
  setSocket: (s: SocketStatus) => void;
  setPresence: (viewers: string[]) => void;
  setTab: (t: DebugTab) => void;
}

export type DebuggerStore = DebuggerState & DebuggerActions;

export function createDebuggerStore(
  threadId: string,
  breakpoints: { before: string[]; after: string[] } = { before: [], after: [] },
  nodeLabels: Record<string, string> = {},
  nodeModels: Record<string, { provider: string; model: string }> = {},
) {
  return createStore<DebuggerStore>()((set, get) => ({
    threadId,
    debug: initialDebugState(),
    history: [],
    historyStatus: "loading",
    selected: null,
    breakpointsBefore: [...breakpoints.before],
    breakpointsAfter: [...breakpoints.after],
    socket: "connecting",
    presence: [],
    tab: "state",
    nodeLabels,
    nodeModels,
    receive: (e) => get().receiveMany([e]),
    receiveMany: (events) => {
      const next = reduceEvents(get().debug, events);
      if (next !== get().debug) set({ debug: next });
    },
    flush: () => set({ debug: flushPending(get().debug) }),
    setHistory: (history) => set({ history, historyStatus: "ready" }),
    setHistoryStatus: (historyStatus) => set({ historyStatus }),
    select: (selected) => set({ selected }),
    toggleBreakpoint: (node, when = "before") => {
      const key = when === "before" ? "breakpointsBefore" : "breakpointsAfter";
      const list = get()[key];
      set({ [key]: list.includes(node) ? list.filter((n) => n !== node) : [...list, node] } as Partial<DebuggerState>);
    },
    setSocket: (socket) => set({ socket }),
    setPresence: (presence) => set({ presence }),
    setTab: (tab) => set({ tab }),
  }));
}

export type DebuggerStoreApi = ReturnType<typeof createDebuggerStore>;

/** The snapshot the inspector shows and the one before it (its parent), if loaded. */
export function selectedSnapshots(s: Pick<DebuggerState, "history" | "selected">): { current?: StateSnapshot; parent?: StateSnapshot } {
  const current = s.selected ? s.history.find((h) => h.checkpoint.checkpoint_id === s.selected) : s.history[0];
  const pid = current?.parent_checkpoint?.checkpoint_id;
  const parent = pid ? s.history.find((h) => h.checkpoint.checkpoint_id === pid) : undefined;
  return { current, parent };
}
