/**
 * What the debugger's buttons do. Reviewer actions go over the thread's websocket
 * when it is open (the server acks them and records who acted); otherwise the
 * LangGraph-compatible HTTP API does the same job.
 */
import type { ActionReply, ClientAction, ThreadSocket } from "../api/socket";
import { cancelRun, getHistory, startRun, updateState } from "../api/threads";
import { ApiError, errorMessage } from "../api/http";
import type { DebuggerStoreApi } from "./store";

export const STREAM_MODES = ["values", "updates", "messages", "custom"];

/** A problem the server found in one part of the request (`path` is a JSON pointer, e.g. `/values/category`). */
export interface FieldProblem {
  path: string;
  message: string;
}

export type ActionResult = { ok: true } | { ok: false; error: string; fields?: FieldProblem[] };

/** The `{error: {fields: [{path, message}]}}` of the API's error shape, if any. */
export function fieldProblems(e: unknown): FieldProblem[] {
  if (!(e instanceof ApiError) || !e.body || typeof e.body !== "object") return [];
  const err = (e.body as { error?: unknown }).error;
  const fields = err && typeof err === "object" ? (err as { fields?: unknown }).fields : undefined;
  if (!Array.isArray(fields)) return [];
  return fields
    .filter((f): f is Record<string, unknown> => !!f && typeof f === "object")
    .map((f) => ({ path: typeof f.path === "string" ? f.path : "", message: typeof f.message === "string" ? f.message : String(f.message) }));
}

async function viaRest(fn: () => Promise<unknown>): Promise<ActionResult> {
  try {
    await fn();
    return { ok: true };
  } catch (e) {
    const fields = fieldProblems(e);
    return {
      ok: false,
      error: e instanceof ApiError && e.isMissing ? "This action is not available on the server yet." : errorMessage(e),
      ...(fields.length ? { fields } : {}),
    };
  }
}

/** Send over the socket if it is open, else (or if the send could not happen) use HTTP. */
export async function viaSocketOr(socket: ThreadSocket | null, action: ClientAction, rest: () => Promise<unknown>): Promise<ActionResult> {
  if (socket?.connected) {
    const r: ActionReply = await socket.act(action);
    if (r.type === "ack") return { ok: true };
    if (!/not connected/i.test(r.reason ?? "")) {
      const error = r.reason ?? "The server refused.";
      return { ok: false, error, ...(typeof r.field === "string" && r.field ? { fields: [{ path: r.field, message: error }] } : {}) };
    }
  }
  return viaRest(rest);
}

export interface Breakpoints {
  interrupt_before: string[];
  interrupt_after: string[];
}

function breakpoints(api: DebuggerStoreApi): Breakpoints {
  const s = api.getState();
  return { interrupt_before: s.breakpointsBefore, interrupt_after: s.breakpointsAfter };
}

function hasBreakpoints(bp: Breakpoints): boolean {
  return bp.interrupt_before.length > 0 || bp.interrupt_after.length > 0;
}

/** The canvas breakpoints as members of a socket message (none when there are none). */
function breakpointMembers(bp: Breakpoints): Partial<Breakpoints> {
  return hasBreakpoints(bp) ? { interrupt_before: [...bp.interrupt_before], interrupt_after: [...bp.interrupt_after] } : {};
}

/**
 * The socket message for "run on from this checkpoint": a `fork` (the audit trail records
 * a rewind) carrying the canvas breakpoints, so the run stops where they say.
 */
export function runFromAction(checkpointId: string, bp: Breakpoints): ClientAction {
  return { action: "fork", checkpoint_id: checkpointId, ...breakpointMembers(bp) };
}

export function runGraph(
  api: DebuggerStoreApi,
  socket: ThreadSocket | null,
  assistantId: string,
  input: Record<string, unknown> | null,
  draft = false,
  dropReview = false,
): Promise<ActionResult> {
  const threadId = api.getState().threadId;
  // Sent only when set, so a published-version run's message is as before.
  const asDraft = draft ? { draft: true } : {};
  // The server refuses new input over a pending review unless told to drop it.
  const drop = dropReview ? { drop_review: true } : {};
  return viaSocketOr(socket, { action: "start_run", input, ...asDraft, ...drop, ...breakpoints(api) }, () =>
    startRun(threadId, { assistant_id: assistantId, input, ...asDraft, ...breakpoints(api), stream_mode: STREAM_MODES }),
  );
}

/** Continue from an earlier checkpoint with no new input ("re-run from here"). */
export function rerunFrom(api: DebuggerStoreApi, socket: ThreadSocket | null, assistantId: string, checkpointId: string): Promise<ActionResult> {
  const threadId = api.getState().threadId;
  const bp = breakpoints(api);
  return viaSocketOr(socket, runFromAction(checkpointId, bp), () =>
    startRun(threadId, { assistant_id: assistantId, input: null, checkpoint_id: checkpointId, ...bp, stream_mode: STREAM_MODES }),
  );
}

/** Answer an interrupt; over HTTP this is a run with Command(resume=…). */
export function resumeInterrupt(
  api: DebuggerStoreApi,
  socket: ThreadSocket | null,
  assistantId: string,
  value: unknown,
  interruptId?: string,
): Promise<ActionResult> {
  const threadId = api.getState().threadId;
  // The canvas breakpoints go along: the run the answer starts stops where they say.
  return viaSocketOr(socket, { action: "resume", resume: value, ...(interruptId ? { interrupt_id: interruptId } : {}), ...breakpoints(api) }, () =>
    startRun(threadId, {
      assistant_id: assistantId,
      command: { resume: interruptId ? { [interruptId]: value } : value },
      ...breakpoints(api),
      stream_mode: STREAM_MODES,
    }),
  );
}

/** Continue a run that stopped at a breakpoint (no input; the server resumes from the head). */
export function continueFromBreakpoint(api: DebuggerStoreApi, socket: ThreadSocket | null, assistantId: string): Promise<ActionResult> {
  const threadId = api.getState().threadId;
  return viaSocketOr(socket, { action: "resume", resume: null, ...breakpoints(api) }, () =>
    startRun(threadId, { assistant_id: assistantId, input: null, ...breakpoints(api), stream_mode: STREAM_MODES }),
  );
}

/** Re-run what failed: a run with no input from the thread's last checkpoint, whose
 * pending (failed) tasks the engine runs again. `draft`: with the draft as saved now. */
export function retryFailed(api: DebuggerStoreApi, socket: ThreadSocket | null, assistantId: string, draft: boolean): Promise<ActionResult> {
  const threadId = api.getState().threadId;
  const asDraft = draft ? { draft: true } : {};
  return viaSocketOr(socket, { action: "start_run", input: null, ...asDraft, ...breakpoints(api) }, () =>
    startRun(threadId, { assistant_id: assistantId, input: null, ...asDraft, ...breakpoints(api), stream_mode: STREAM_MODES }),
  );
}

export function cancelCurrentRun(api: DebuggerStoreApi, socket: ThreadSocket | null): Promise<ActionResult> {
  const s = api.getState();
  const runId = s.debug.runId;
  return viaSocketOr(socket, { action: "cancel", ...(runId ? { run_id: runId } : {}) }, () =>
    runId ? cancelRun(s.threadId, runId) : Promise.reject(new Error("No run to cancel.")),
  );
}

/** Write state at a checkpoint without running (a new checkpoint; a fork when it is not the newest). */
export async function editStateAt(api: DebuggerStoreApi, values: Record<string, unknown>, checkpointId: string, asNode?: string): Promise<ActionResult> {
  const s = api.getState();
  const r = await viaRest(() => updateState(s.threadId, values, { checkpointId, asNode }));
  if (r.ok) await refreshHistory(api);
  return r;
}

/** Write state at a checkpoint and continue running from there. */
export function forkWithState(
  api: DebuggerStoreApi,
  socket: ThreadSocket | null,
  assistantId: string,
  values: Record<string, unknown>,
  checkpointId: string,
): Promise<ActionResult> {
  const threadId = api.getState().threadId;
  const bp = breakpoints(api);
  const writeThenRun = async () => {
    const r = await updateState(threadId, values, { checkpointId });
    const forked = r?.checkpoint?.checkpoint_id ?? checkpointId;
    await startRun(threadId, { assistant_id: assistantId, input: null, checkpoint_id: forked, ...bp, stream_mode: STREAM_MODES });
  };
  return viaSocketOr(socket, { action: "fork", checkpoint_id: checkpointId, values, ...breakpointMembers(bp) }, writeThenRun);
}

export async function refreshHistory(api: DebuggerStoreApi): Promise<void> {
  try {
    const h = await getHistory(api.getState().threadId, { limit: 200 });
    api.getState().setHistory(h);
  } catch (e) {
    api.getState().setHistoryStatus(e instanceof ApiError && e.isMissing ? "unavailable" : "error");
  }
}
