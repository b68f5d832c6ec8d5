/**
 * The debugger's event reducer: the thread's ordered event stream folded into
 * what the canvas and panels show. Pure; applying an event twice is a no-op and
 * events that arrive early wait until the gap before them is filled.
 */

export type ThreadEventType =
  | "run.created"
  | "run.started"
  | "run.finished"
  | "run.failed"
  | "run.cancelled"
  | "task.started"
  | "task.finished"
  | "task.failed"
  | "values"
  | "updates"
  | "custom"
  | "messages"
  | "checkpoint.created"
  | "interrupt"
  | "review.resolved";

export interface ThreadEvent {
  type: ThreadEventType | (string & {});
  seq: number;
  thread_id: string;
  run_id: string | null;
  ts: string;
  data: unknown;
}

export type NodeStatus = "idle" | "running" | "finished" | "failed" | "waiting";
export type RunStatus = "idle" | "running" | "finished" | "failed" | "cancelled" | "waiting";

export interface NodeRunInfo {
  status: NodeStatus;
  step?: number;
  taskId?: string;
  durationMs?: number;
  error?: string;
}

export interface InterruptPrompt {
  title?: string;
  instructions?: string;
  fields?: unknown;
  form?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface OpenInterrupt {
  id: string;
  node: string;
  value: InterruptPrompt | unknown;
  runId: string | null;
  seq: number;
}

export interface CheckpointInfo {
  checkpointId: string;
  parentId: string | null;
  step: number;
  source: string;
  next: string[];
  runId: string | null;
  seq: number;
}

export interface DebugState {
  /** Highest sequence number applied; the websocket resumes with after_seq = lastSeq. */
  lastSeq: number;
  /** Events that arrived ahead of a gap, sorted by seq. */
  pending: ThreadEvent[];
  log: ThreadEvent[];
  runId: string | null;
  runStatus: RunStatus;
  runError: string | null;
  nodes: Record<string, NodeRunInfo>;
  /** Streamed LLM tokens of the current run, all nodes together and per node. */
  tokens: { text: string; byNode: Record<string, string> };
  interrupts: OpenInterrupt[];
  checkpoints: CheckpointInfo[];
  values: Record<string, unknown> | null;
  reviews: { by: string; decision: string; seq: number; interruptId?: string }[];
}

export const LOG_LIMIT = 5000;

export function initialDebugState(afterSeq = 0): DebugState {
  return {
    lastSeq: afterSeq,
    pending: [],
    log: [],
    runId: null,
    runStatus: "idle",
    runError: null,
    nodes: {},
    tokens: { text: "", byNode: {} },
    interrupts: [],
    checkpoints: [],
    values: null,
    reviews: [],
  };
}

/** Fold one event in, keeping order: duplicates are dropped, early arrivals wait. */
export function reduceEvent(state: DebugState, event: ThreadEvent): DebugState {
  if (!Number.isFinite(event.seq) || event.seq <= state.lastSeq) return state;
  if (event.seq > state.lastSeq + 1) {
    if (state.pending.some((p) => p.seq === event.seq)) return state;
    const pending = [...state.pending, event].sort((a, b) => a.seq - b.seq);
    return { ...state, pending };
  }
  let s = applyEvent(state, event);
  while (s.pending.length > 0) {
    const head = s.pending[0]!;
    if (head.seq <= s.lastSeq) s = { ...s, pending: s.pending.slice(1) };
    else if (head.seq === s.lastSeq + 1) s = applyEvent({ ...s, pending: s.pending.slice(1) }, head);
    else break;
  }
  return s;
}

export function reduceEvents(state: DebugState, events: readonly ThreadEvent[]): DebugState {
  return events.reduce(reduceEvent, state);
}

/** Apply everything that is waiting in order, skipping the gap (when the gap will never fill). */
export function flushPending(state: DebugState): DebugState {
  let s: DebugState = { ...state, pending: [] };
  for (const e of state.pending) if (e.seq > s.lastSeq) s = applyEvent(s, e);
  return s;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function errorText(v: unknown): string | undefined {
  if (v == null) return undefined;
  if (typeof v === "string") return v;
  const r = asRecord(v);
  return str(r.message) ?? str(r.error) ?? JSON.stringify(v);
}

/**
 * A token chunk in any of the shapes servers send: {content|text|delta, node},
 * or LangGraph's [messageChunk, metadata] pair.
 */
export function tokenChunk(data: unknown): { text: string; node?: string } | null {
  if (Array.isArray(data)) {
    const chunk = asRecord(data[0]);
    const meta = asRecord(data[1]);
    const text = contentText(chunk.content);
    return text ? { text, node: str(meta.langgraph_node) ?? str(meta.node) } : null;
  }
  const d = asRecord(data);
  const text = str(d.delta) ?? str(d.text) ?? contentText(d.content) ?? contentText(asRecord(d.chunk).content);
  return text ? { text, node: str(d.node) ?? str(asRecord(d.metadata).langgraph_node) } : null;
}

function contentText(c: unknown): string | undefined {
  if (typeof c === "string") return c;
  if (Array.isArray(c)) {
    const parts = c.map((p) => (typeof p === "string" ? p : (str(asRecord(p).text) ?? ""))).join("");
    return parts || undefined;
  }
  return undefined;
}

function setNode(state: DebugState, node: string, patch: Partial<NodeRunInfo>): DebugState {
  const prev = state.nodes[node] ?? { status: "idle" as const };
  return { ...state, nodes: { ...state.nodes, [node]: { ...prev, ...patch } } };
}

function startRun(state: DebugState, runId: string | null): DebugState {
  if (runId !== null && state.runId === runId) return state;
  return {
    ...state,
    runId,
    runStatus: "running",
    runError: null,
    nodes: {},
    tokens: { text: "", byNode: {} },
  };
}

/** The transition for a single in-order event. */
export function applyEvent(prev: DebugState, event: ThreadEvent): DebugState {
  const log = prev.log.length >= LOG_LIMIT ? [...prev.log.slice(1 - LOG_LIMIT), event] : [...prev.log, event];
  let s: DebugState = { ...prev, lastSeq: event.seq, log };
  const d = asRecord(event.data);
  const node = str(d.node);
  switch (event.type) {
    case "run.created":
    case "run.started":
      s = startRun(s, event.run_id);
      break;
    case "run.finished":
      s = { ...s, runId: event.run_id ?? s.runId, runStatus: s.interrupts.length > 0 ? "waiting" : "finished" };
      break;
    case "run.failed":
      s = { ...s, runId: event.run_id ?? s.runId, runStatus: "failed", runError: errorText(d.error) ?? "The run failed." };
      break;
    case "run.cancelled": {
      const nodes: Record<string, NodeRunInfo> = {};
      for (const [k, v] of Object.entries(s.nodes)) nodes[k] = v.status === "running" ? { ...v, status: "idle" } : v;
      s = { ...s, runStatus: "cancelled", nodes };
      break;
    }
    case "task.started":
      if (s.runStatus !== "running" && event.run_id !== s.runId) s = startRun(s, event.run_id);
      if (node) s = setNode(s, node, { status: "running", step: num(d.step), taskId: str(d.task_id), error: undefined, durationMs: undefined });
      break;
    case "task.finished":
      if (node) s = setNode(s, node, { status: "finished", step: num(d.step), durationMs: num(d.duration_ms) });
      break;
    case "task.failed":
      if (node)
        s = setNode(s, node, {
          status: "failed",
          step: num(d.step),
          durationMs: num(d.duration_ms),
          error: errorText(d.error) ?? "failed",
        });
      break;
    case "messages": {
      const chunk = tokenChunk(event.data);
      if (chunk) {
        const byNode = { ...s.tokens.byNode };
        if (chunk.node) byNode[chunk.node] = (byNode[chunk.node] ?? "") + chunk.text;
        s = { ...s, tokens: { text: s.tokens.text + chunk.text, byNode } };
      }
      break;
    }
    case "values":
      s = { ...s, values: asRecord(event.data) };
      break;
    case "checkpoint.created": {
      const id = str(d.checkpoint_id);
      if (id && !s.checkpoints.some((c) => c.checkpointId === id)) {
        const info: CheckpointInfo = {
          checkpointId: id,
          parentId: str(d.parent_id) ?? null,
          step: num(d.step) ?? 0,
          source: str(d.source) ?? "loop",
          next: Array.isArray(d.next) ? d.next.filter((x): x is string => typeof x === "string") : [],
          runId: event.run_id,
          seq: event.seq,
        };
        s = { ...s, checkpoints: [...s.checkpoints, info] };
      }
      break;
    }
    case "interrupt": {
      const id = str(d.id) ?? `seq-${event.seq}`;
      if (!s.interrupts.some((i) => i.id === id)) {
        s = {
          ...s,
          runStatus: "waiting",
          interrupts: [...s.interrupts, { id, node: node ?? "", value: d.value, runId: event.run_id, seq: event.seq }],
        };
      }
      if (node) s = setNode(s, node, { status: "waiting" });
      break;
    }
    case "review.resolved": {
      const target = str(d.interrupt_id) ?? str(d.id);
      const resolved = s.interrupts.filter((i) => !target || i.id === target);
      const interrupts = s.interrupts.filter((i) => !resolved.includes(i));
      for (const i of resolved) if (i.node && s.nodes[i.node]?.status === "waiting") s = setNode(s, i.node, { status: "idle" });
      s = {
        ...s,
        interrupts,
        runStatus: s.runStatus === "waiting" && interrupts.length === 0 ? "running" : s.runStatus,
        reviews: [...s.reviews, { by: str(d.by) ?? "someone", decision: str(d.decision) ?? "resolved", seq: event.seq, interruptId: target }],
      };
      break;
    }
    default:
      break;
  }
  return s;
}

/** One line describing an event for the event log. */
export function describeEvent(e: ThreadEvent): string {
  const d = asRecord(e.data);
  const node = str(d.node);
  switch (e.type) {
    case "task.started":
      return `${node ?? "task"} started (step ${num(d.step) ?? "?"})`;
    case "task.finished":
      return `${node ?? "task"} finished${num(d.duration_ms) !== undefined ? ` in ${num(d.duration_ms)} ms` : ""}`;
    case "task.failed":
      return `${node ?? "task"} failed: ${errorText(d.error) ?? "error"}`;
    case "checkpoint.created":
      return `checkpoint ${String(d.checkpoint_id ?? "").slice(0, 8)} (step ${num(d.step) ?? "?"}, ${str(d.source) ?? "loop"})`;
    case "interrupt":
      return `${node ?? "graph"} is waiting for review`;
    case "review.resolved":
      return `review ${str(d.decision) ?? "resolved"} by ${str(d.by) ?? "someone"}`;
    case "run.failed":
      return `run failed: ${errorText(d.error) ?? ""}`;
    case "messages": {
      const t = tokenChunk(e.data);
      return t ? `tokens: ${JSON.stringify(t.text.slice(0, 40))}` : "tokens";
    }
    default:
      return e.type;
  }
}
