/**
 * The debugger's event reducer: the thread's ordered event stream folded into
 * what the canvas and panels show. Pure; applying an event twice is a no-op and
 * events that arrive early wait until the gap before them is filled.
 */

import type { ThreadEventType as ContractEventType } from "../api/events.gen";
import { commentFromEvent, type CheckpointComment } from "./comments";

/** Every event type the server records (generated from builder/eventtypes.py). */
export type ThreadEventType = ContractEventType;

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
  /** When the task started (event ts), to time it when the server sends no duration. */
  startedAt?: string;
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

/** One streamed LLM message: its chunks joined, the node that wrote it and the model, when known. */
export interface TokenMessage {
  /** The message id of its chunks (or a stand-in for chunks without one). */
  id: string;
  node?: string;
  runId: string | null;
  text: string;
  chunks: number;
  /** Provider and model, from the chunks' metadata or the finished message's `response_metadata`. */
  provider?: string;
  model?: string;
  /** Seq of the first chunk. */
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
  /** The failed run's Python traceback, when the server recorded one. */
  runTraceback: string | null;
  /**
   * Node statuses along the current lineage: a run that continues where the last one
   * stopped (resume, continue, new input at the head) keeps the earlier runs' statuses;
   * a checkpoint that branches off elsewhere (fork, re-run, edit of an old step) drops them.
   */
  nodes: Record<string, NodeRunInfo>;
  /** Nodes whose status the current run has set (kept when the lineage changes). */
  runNodes: string[];
  /** Streamed LLM tokens of the current run, all nodes together, per node and per message. */
  tokens: { text: string; byNode: Record<string, string>; messages: TokenMessage[] };
  interrupts: OpenInterrupt[];
  checkpoints: CheckpointInfo[];
  values: Record<string, unknown> | null;
  reviews: { by: string; decision: string; seq: number; interruptId?: string }[];
  /** Comments that arrived as `comment.created` events (the panel merges them with fetched ones). */
  comments: CheckpointComment[];
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
    runTraceback: null,
    nodes: {},
    runNodes: [],
    tokens: { text: "", byNode: {}, messages: [] },
    interrupts: [],
    checkpoints: [],
    values: null,
    reviews: [],
    comments: [],
  };
}

/** Fold one event in, keeping order: duplicates are dropped, early arrivals wait. */
export function reduceEvent(state: DebugState, event: ThreadEvent): DebugState {
  return reduceEvents(state, [event]);
}

/**
 * Fold a batch of events in (a websocket `batch` frame, a replay): the same state as
 * folding them one by one, built in one pass with one copy of the log, so a burst of
 * token chunks costs one state update, not one per event.
 */
export function reduceEvents(state: DebugState, events: readonly ThreadEvent[]): DebugState {
  const applied: ThreadEvent[] = [];
  let s = state;
  for (const event of events) s = foldEvent(s, event, applied);
  return applied.length ? { ...s, log: appendLog(s.log, applied) } : s;
}

/** Apply everything that is waiting in order, skipping the gap (when the gap will never fill). */
export function flushPending(state: DebugState): DebugState {
  const applied: ThreadEvent[] = [];
  let s: DebugState = { ...state, pending: [] };
  for (const e of state.pending) {
    if (e.seq > s.lastSeq) {
      s = transition(s, e);
      applied.push(e);
    }
  }
  return applied.length ? { ...s, log: appendLog(s.log, applied) } : s;
}

/** One event into `state` (dedup, hold early arrivals, release what they unblock); the
 *  events applied, in order, are pushed onto `applied` for the caller to log. */
function foldEvent(state: DebugState, event: ThreadEvent, applied: ThreadEvent[]): DebugState {
  if (!Number.isFinite(event.seq) || event.seq <= state.lastSeq) return state;
  if (event.seq > state.lastSeq + 1) {
    if (state.pending.some((p) => p.seq === event.seq)) return state;
    const pending = [...state.pending, event].sort((a, b) => a.seq - b.seq);
    return { ...state, pending };
  }
  let s = transition(state, event);
  applied.push(event);
  let released = 0;
  while (released < s.pending.length) {
    const head = s.pending[released]!;
    if (head.seq <= s.lastSeq) released += 1;
    else if (head.seq === s.lastSeq + 1) {
      s = transition(s, head);
      applied.push(head);
      released += 1;
    } else break;
  }
  return released ? { ...s, pending: s.pending.slice(released) } : s;
}

function appendLog(log: ThreadEvent[], events: ThreadEvent[]): ThreadEvent[] {
  const all = log.length + events.length;
  if (all <= LOG_LIMIT) return log.concat(events);
  return log.slice(Math.min(log.length, all - LOG_LIMIT)).concat(events.slice(Math.max(0, events.length - LOG_LIMIT)));
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
 * `{chunk, metadata}` (the runtime's), or LangGraph's [messageChunk, metadata] pair.
 * `id` is the message id; `provider`/`model` come from LangChain-style metadata when present.
 */
export function tokenChunk(data: unknown): { text: string; node?: string; id?: string; provider?: string; model?: string } | null {
  let chunk: Record<string, unknown>;
  let meta: Record<string, unknown>;
  let text: string | undefined;
  let node: string | undefined;
  if (Array.isArray(data)) {
    chunk = asRecord(data[0]);
    meta = asRecord(data[1]);
    text = contentText(chunk.content);
    node = str(meta.langgraph_node) ?? str(meta.node);
  } else {
    const d = asRecord(data);
    chunk = asRecord(d.chunk);
    meta = asRecord(d.metadata);
    text = str(d.delta) ?? str(d.text) ?? contentText(d.content) ?? contentText(chunk.content);
    node = str(d.node) ?? str(meta.langgraph_node);
  }
  if (!text) return null;
  const rm = asRecord(chunk.response_metadata);
  return {
    text,
    node,
    id: str(chunk.id),
    provider: str(meta.ls_provider) ?? str(meta.provider) ?? str(rm.provider),
    model: str(meta.ls_model_name) ?? str(meta.model) ?? str(rm.model) ?? str(rm.model_name),
  };
}

/** Provider and model of finished messages found in a node's output, by message id. */
export function messageModels(value: unknown, out: Record<string, { provider?: string; model?: string }> = {}, depth = 0): Record<string, { provider?: string; model?: string }> {
  if (depth > 5 || !value || typeof value !== "object") return out;
  if (Array.isArray(value)) {
    for (const v of value) messageModels(v, out, depth + 1);
    return out;
  }
  const r = value as Record<string, unknown>;
  const rm = r.response_metadata;
  if (typeof r.id === "string" && rm && typeof rm === "object") {
    const m = asRecord(rm);
    out[r.id] = { provider: str(m.provider) ?? str(m.ls_provider), model: str(m.model) ?? str(m.model_name) };
    return out;
  }
  for (const v of Object.values(r)) messageModels(v, out, depth + 1);
  return out;
}

/** Fold one chunk into the per-message list: same id (or, without ids, same node in a row) joins. */
function addChunk(messages: TokenMessage[], chunk: NonNullable<ReturnType<typeof tokenChunk>>, runId: string | null, seq: number): TokenMessage[] {
  const last = messages[messages.length - 1];
  const idx = chunk.id
    ? messages.findIndex((m) => m.id === chunk.id)
    : last && last.id.startsWith("seq-") && last.node === chunk.node && last.runId === runId
      ? messages.length - 1
      : -1;
  if (idx < 0) {
    return [
      ...messages,
      { id: chunk.id ?? `seq-${seq}`, node: chunk.node, runId, text: chunk.text, chunks: 1, provider: chunk.provider, model: chunk.model, seq },
    ];
  }
  const m = messages[idx]!;
  const next = messages.slice();
  next[idx] = { ...m, text: m.text + chunk.text, chunks: m.chunks + 1, provider: m.provider ?? chunk.provider, model: m.model ?? chunk.model };
  return next;
}

/** Messages with their provider/model filled in from finished messages in `data`. */
function withModels(messages: TokenMessage[], data: unknown): TokenMessage[] {
  if (!messages.some((m) => !m.provider)) return messages;
  const found = messageModels(data);
  if (!Object.keys(found).length) return messages;
  return messages.map((m) => (found[m.id] && !m.provider ? { ...m, provider: found[m.id]!.provider, model: m.model ?? found[m.id]!.model } : m));
}

function contentText(c: unknown): string | undefined {
  if (typeof c === "string") return c;
  if (Array.isArray(c)) {
    const parts = c.map((p) => (typeof p === "string" ? p : (str(asRecord(p).text) ?? ""))).join("");
    return parts || undefined;
  }
  return undefined;
}

/**
 * Event payloads in the two shapes servers send: the flat one (`{node, step, task_id,
 * duration_ms}`, `{checkpoint_id, parent_id, step, source, next}`, `{id, node, value}`)
 * and the engine's stream items wrapped with their namespace (`{ns, id, name, error,
 * interrupts}`, `{ns, checkpoint: {config, parent_config, metadata, next}}`,
 * `{ns, interrupt: {id, value}}`, `{ns, data}`).
 */
export interface TaskInfo {
  node?: string;
  taskId?: string;
  step?: number;
  durationMs?: number;
  error?: string;
  interrupted: boolean;
  /** False for tasks inside subgraphs: the canvas shows top-level nodes only. */
  topLevel: boolean;
}

function isTopLevel(d: Record<string, unknown>): boolean {
  return !Array.isArray(d.ns) || d.ns.length === 0;
}

export function taskInfo(data: unknown): TaskInfo {
  const d = asRecord(data);
  return {
    node: str(d.node) ?? str(d.name),
    taskId: str(d.task_id) ?? str(d.id),
    step: num(d.step),
    durationMs: num(d.duration_ms),
    error: errorText(d.error),
    interrupted: Array.isArray(d.interrupts) && d.interrupts.length > 0,
    topLevel: isTopLevel(d),
  };
}

function configCheckpointId(v: unknown): string | undefined {
  return str(asRecord(asRecord(v).configurable).checkpoint_id);
}

export function checkpointInfo(data: unknown): Omit<CheckpointInfo, "runId" | "seq"> | null {
  const d = asRecord(data);
  if (!isTopLevel(d)) return null;
  const c = d.checkpoint && typeof d.checkpoint === "object" ? asRecord(d.checkpoint) : d;
  const meta = asRecord(c.metadata);
  const id = str(c.checkpoint_id) ?? configCheckpointId(c.config) ?? str(c.id);
  if (!id) return null;
  const next = Array.isArray(c.next) ? c.next.filter((x): x is string => typeof x === "string") : [];
  return {
    checkpointId: id,
    parentId: str(c.parent_id) ?? configCheckpointId(c.parent_config) ?? null,
    step: num(c.step) ?? num(meta.step) ?? 0,
    source: str(c.source) ?? str(meta.source) ?? "loop",
    next,
  };
}

export function interruptInfo(data: unknown, seq: number): { id: string; node?: string; value: unknown } {
  const d = asRecord(data);
  const it = asRecord(d.interrupt);
  const value = "value" in d ? d.value : it.value;
  return {
    id: str(d.id) ?? str(it.id) ?? `seq-${seq}`,
    node: str(d.node) ?? str(it.node) ?? str(asRecord(value).node),
    value,
  };
}

/** The payload of values/updates/custom events, unwrapped from `{ns, data}`. */
export function streamData(data: unknown): unknown {
  const d = asRecord(data);
  return "ns" in d && "data" in d ? d.data : data;
}

function durationBetween(start: string | undefined, end: string): number | undefined {
  if (!start) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function setNode(state: DebugState, node: string, patch: Partial<NodeRunInfo>): DebugState {
  const prev = state.nodes[node] ?? { status: "idle" as const };
  const runNodes = state.runNodes.includes(node) ? state.runNodes : [...state.runNodes, node];
  return { ...state, nodes: { ...state.nodes, [node]: { ...prev, ...patch } }, runNodes };
}

function startRun(state: DebugState, runId: string | null): DebugState {
  if (runId !== null && state.runId === runId) return state;
  return {
    ...state,
    runId,
    runStatus: "running",
    runError: null,
    runTraceback: null,
    // Statuses stay until a checkpoint shows the run is on another branch (see checkpoint.created).
    runNodes: [],
    tokens: { text: "", byNode: {}, messages: [] },
    // Earlier runs' open questions are moot: a resumed run raises the unanswered ones
    // again (same ids), and a fork leaves the old branch's behind.
    interrupts: state.interrupts.filter((i) => i.runId === runId),
  };
}

/**
 * Node statuses after `events`, applied in the order given whatever their seq (the
 * events of one past run, picked out of the thread's log).
 */
export function replayNodeStatuses(events: readonly ThreadEvent[]): Record<string, NodeRunInfo> {
  let s = initialDebugState();
  for (const e of events) s = transition(s, e);
  return s.nodes;
}

/** The transition for a single in-order event, logged. */
export function applyEvent(prev: DebugState, event: ThreadEvent): DebugState {
  return { ...transition(prev, event), log: appendLog(prev.log, [event]) };
}

/** What one in-order event changes (everything but the log, which callers append in bulk). */
function transition(prev: DebugState, event: ThreadEvent): DebugState {
  let s: DebugState = { ...prev, lastSeq: event.seq };
  const d = asRecord(event.data);
  switch (event.type) {
    case "run.created":
    case "run.started":
      s = startRun(s, event.run_id);
      // New input at the head is a run of its own: the canvas shows its statuses only,
      // not a pile of every earlier run's (a resume, retry or fork carries on instead).
      if (event.type === "run.created" && d.new_input === true) s = { ...s, nodes: {}, runNodes: [] };
      break;
    case "run.finished":
      // "interrupted" without interrupt events is a breakpoint: the run stopped with work left.
      s = { ...s, runId: event.run_id ?? s.runId, runStatus: s.interrupts.length > 0 || d.status === "interrupted" ? "waiting" : "finished" };
      break;
    case "run.failed":
      s = {
        ...s,
        runId: event.run_id ?? s.runId,
        runStatus: "failed",
        runError: errorText(d.error) ?? "The run failed.",
        runTraceback: str(asRecord(d.error).traceback) ?? null,
      };
      break;
    case "run.cancelled": {
      const nodes: Record<string, NodeRunInfo> = {};
      for (const [k, v] of Object.entries(s.nodes)) nodes[k] = v.status === "running" ? { ...v, status: "idle" } : v;
      s = { ...s, runStatus: "cancelled", nodes };
      break;
    }
    case "task.started": {
      if (s.runStatus !== "running" && event.run_id !== s.runId) s = startRun(s, event.run_id);
      const t = taskInfo(event.data);
      if (t.node && t.topLevel) {
        s = setNode(s, t.node, { status: "running", step: t.step, taskId: t.taskId, error: undefined, durationMs: undefined, startedAt: event.ts });
      }
      break;
    }
    case "task.finished":
    case "task.failed": {
      const t = taskInfo(event.data);
      if (s.tokens.messages.length) s = { ...s, tokens: { ...s.tokens, messages: withModels(s.tokens.messages, d.result) } };
      if (!t.node || !t.topLevel) break;
      const prev = s.nodes[t.node];
      const durationMs = t.durationMs ?? durationBetween(prev?.startedAt, event.ts);
      const failed = event.type === "task.failed";
      const status: NodeStatus = failed ? "failed" : t.interrupted ? "waiting" : "finished";
      s = setNode(s, t.node, { status, step: t.step ?? prev?.step, durationMs, error: failed ? (t.error ?? "failed") : undefined });
      break;
    }
    case "messages": {
      const chunk = tokenChunk(event.data);
      if (chunk) {
        const byNode = { ...s.tokens.byNode };
        if (chunk.node) byNode[chunk.node] = (byNode[chunk.node] ?? "") + chunk.text;
        s = { ...s, tokens: { text: s.tokens.text + chunk.text, byNode, messages: addChunk(s.tokens.messages, chunk, event.run_id, event.seq) } };
      }
      break;
    }
    case "updates":
      if (s.tokens.messages.length) s = { ...s, tokens: { ...s.tokens, messages: withModels(s.tokens.messages, streamData(event.data)) } };
      break;
    case "values":
      if (isTopLevel(d)) s = { ...s, values: asRecord(streamData(event.data)) };
      break;
    case "checkpoint.created": {
      const c = checkpointInfo(event.data);
      const head = s.checkpoints[s.checkpoints.length - 1];
      if (c && head && c.parentId && c.parentId !== head.checkpointId && !s.checkpoints.some((x) => x.checkpointId === c.checkpointId)) {
        // Another branch: only what the running run did still applies.
        const keep = s.runStatus === "running" ? s.runNodes : [];
        s = { ...s, nodes: Object.fromEntries(keep.filter((n) => s.nodes[n]).map((n) => [n, s.nodes[n]!])), runNodes: keep };
      }
      if (c && !s.checkpoints.some((x) => x.checkpointId === c.checkpointId)) {
        s = { ...s, checkpoints: [...s.checkpoints, { ...c, runId: event.run_id, seq: event.seq }] };
      }
      break;
    }
    case "interrupt": {
      const it = interruptInfo(event.data, event.seq);
      // Without a node in the payload, the node that is still running is the one asking.
      const node = it.node ?? Object.entries(s.nodes).find(([, v]) => v.status === "running")?.[0] ?? "";
      if (!s.interrupts.some((i) => i.id === it.id)) {
        s = {
          ...s,
          runStatus: "waiting",
          interrupts: [...s.interrupts, { id: it.id, node, value: it.value, runId: event.run_id, seq: event.seq }],
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
    case "comment.created": {
      const c = commentFromEvent(event.data);
      if (c && !s.comments.some((x) => x.id === c.id)) s = { ...s, comments: [...s.comments, c] };
      break;
    }
    default:
      break;
  }
  return s;
}

/** One line describing an event for the event log; `label` turns node ids into their labels. */
export function describeEvent(e: ThreadEvent, label: (node: string) => string = (n) => n): string {
  switch (e.type) {
    case "task.started": {
      const t = taskInfo(e.data);
      return `${t.node ? label(t.node) : "task"} started${t.step !== undefined ? ` (step ${t.step})` : ""}`;
    }
    case "task.finished": {
      const t = taskInfo(e.data);
      return `${t.node ? label(t.node) : "task"} ${t.interrupted ? "paused" : "finished"}${t.durationMs !== undefined ? ` in ${Math.round(t.durationMs)} ms` : ""}`;
    }
    case "task.failed": {
      const t = taskInfo(e.data);
      return `${t.node ? label(t.node) : "task"} failed: ${t.error ?? "error"}`;
    }
    case "checkpoint.created": {
      const c = checkpointInfo(e.data);
      return c ? `checkpoint ${c.checkpointId.slice(-8)} (step ${c.step}, ${c.source})` : "checkpoint (subgraph)";
    }
    case "interrupt": {
      const it = interruptInfo(e.data, e.seq);
      return `${it.node ? label(it.node) : "graph"} is waiting for review`;
    }
    case "review.resolved": {
      const d = asRecord(e.data);
      return `review ${str(d.decision) ?? "resolved"} by ${str(d.by) ?? "someone"}`;
    }
    case "comment.created": {
      const c = commentFromEvent(e.data);
      return c ? `comment by ${c.author ?? "someone"} on checkpoint …${c.checkpoint_id.slice(-8)}` : "comment";
    }
    case "run.failed":
      return `run failed: ${errorText(asRecord(e.data).error) ?? ""}`;
    case "messages": {
      const t = tokenChunk(e.data);
      return t ? `tokens: ${JSON.stringify(t.text.slice(0, 40))}` : "tokens";
    }
    default:
      return e.type;
  }
}
