/** What the debugger's buttons do: websocket actions first, the REST API as the fallback. */
import type { ThreadSocket, ActionReply } from "../api/socket";
import { cancelRun, getHistory, startRun, updateState } from "../api/threads";
import { ApiError, errorMessage } from "../api/http";
import type { DebuggerStoreApi } from "./store";

export const STREAM_MODES = ["values", "updates", "messages", "custom"];

export type ActionResult = { ok: true } | { ok: false; error: string };

function fromReply(r: ActionReply): ActionResult {
  return r.type === "ack" ? { ok: true } : { ok: false, error: r.reason ?? "The server refused." };
}

async function viaRest(fn: () => Promise<unknown>): Promise<ActionResult> {
  try {
    await fn();
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof ApiError && e.isMissing ? "This action is not available on the server yet." : errorMessage(e) };
  }
}

export async function runGraph(
  api: DebuggerStoreApi,
  assistantId: string,
  input: Record<string, unknown> | null,
  checkpointId?: string,
): Promise<ActionResult> {
  const s = api.getState();
  return viaRest(() =>
    startRun(s.threadId, {
      assistant_id: assistantId,
      input,
      ...(checkpointId ? { checkpoint_id: checkpointId } : {}),
      interrupt_before: s.breakpointsBefore,
      interrupt_after: s.breakpointsAfter,
      stream_mode: STREAM_MODES,
    }),
  );
}

/** Answer an interrupt. The socket is preferred so the server can ack; REST resumes with a Command. */
export async function resumeInterrupt(
  api: DebuggerStoreApi,
  socket: ThreadSocket | null,
  assistantId: string,
  value: unknown,
  interruptId?: string,
): Promise<ActionResult> {
  if (socket && api.getState().socket === "open") {
    const r = await socket.act({ action: "resume", resume: value, ...(interruptId ? { interrupt_id: interruptId } : {}) });
    if (r.type === "ack" || !/not connected/i.test(r.reason ?? "")) return fromReply(r);
  }
  const s = api.getState();
  return viaRest(() =>
    startRun(s.threadId, {
      assistant_id: assistantId,
      command: { resume: value },
      interrupt_before: s.breakpointsBefore,
      interrupt_after: s.breakpointsAfter,
      stream_mode: STREAM_MODES,
    }),
  );
}

export async function cancelCurrentRun(api: DebuggerStoreApi, socket: ThreadSocket | null): Promise<ActionResult> {
  const s = api.getState();
  const runId = s.debug.runId;
  if (runId) return viaRest(() => cancelRun(s.threadId, runId));
  if (socket) return fromReply(await socket.act({ action: "cancel" }));
  return { ok: false, error: "No run to cancel." };
}

/** Write state at a checkpoint (a fork when it is not the newest). */
export async function editStateAt(api: DebuggerStoreApi, values: Record<string, unknown>, checkpointId: string, asNode?: string): Promise<ActionResult> {
  const s = api.getState();
  const r = await viaRest(() => updateState(s.threadId, values, { checkpointId, asNode }));
  if (r.ok) await refreshHistory(api);
  return r;
}

export async function refreshHistory(api: DebuggerStoreApi): Promise<void> {
  try {
    const h = await getHistory(api.getState().threadId, { limit: 200 });
    api.getState().setHistory(h);
  } catch (e) {
    api.getState().setHistoryStatus(e instanceof ApiError && e.isMissing ? "unavailable" : "error");
  }
}
