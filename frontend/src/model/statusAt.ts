/**
 * The canvas's node statuses as of a checkpoint the user is looking at (an earlier step
 * in the timeline, or a step of an earlier run), instead of the latest run's.
 */
import type { StateSnapshot } from "../api/types";
import { checkpointInfo, replayNodeStatuses, type NodeRunInfo, type ThreadEvent } from "./events";

const RUN_END = new Set(["run.finished", "run.failed", "run.cancelled"]);

/**
 * From the event log: the run that wrote `checkpointId`, replayed up to that checkpoint.
 * For the run's last checkpoint the replay goes on to the run's end, so the step it
 * stopped in shows as it ended (waiting for review, failed, cancelled). Null when the
 * log does not have the checkpoint or no run wrote it (a state edit).
 */
export function statusesFromLog(log: readonly ThreadEvent[], checkpointId: string): Record<string, NodeRunInfo> | null {
  const at = log.findIndex((e) => e.type === "checkpoint.created" && checkpointInfo(e.data)?.checkpointId === checkpointId);
  if (at < 0) return null;
  const runId = log[at]!.run_id;
  if (!runId) return null;
  const run: ThreadEvent[] = [];
  let laterCheckpoint = false;
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    if (e.run_id !== runId) continue;
    if (i > at && e.type === "checkpoint.created" && checkpointInfo(e.data) !== null) {
      laterCheckpoint = true;
      break;
    }
    run.push(e);
    if (RUN_END.has(e.type)) break;
  }
  // With a later checkpoint in the run, stop at this one (the tasks of the next step had
  // started, but this snapshot is from before they finished).
  const upTo = laterCheckpoint ? run.filter((e) => e.seq <= log[at]!.seq) : run;
  return replayNodeStatuses(upTo);
}

function nodesOfStep(s: StateSnapshot): string[] {
  const meta = s.metadata as Record<string, unknown>;
  if (Array.isArray(meta.nodes)) return meta.nodes.filter((n): n is string => typeof n === "string");
  if (meta.writes && typeof meta.writes === "object") return Object.keys(meta.writes);
  return [];
}

/**
 * From the checkpoint history, when the log cannot say: the nodes that ran on the way to
 * the checkpoint (its ancestors' steps) finished, and its own pending tasks waiting for
 * review or failed.
 */
export function statusesFromHistory(history: readonly StateSnapshot[], checkpointId: string): Record<string, NodeRunInfo> {
  const byId = new Map(history.map((h) => [h.checkpoint.checkpoint_id, h]));
  const out: Record<string, NodeRunInfo> = {};
  const selected = byId.get(checkpointId);
  const seen = new Set<string>();
  for (let s = selected; s && !seen.has(s.checkpoint.checkpoint_id); s = s.parent_checkpoint ? byId.get(s.parent_checkpoint.checkpoint_id) : undefined) {
    seen.add(s.checkpoint.checkpoint_id);
    const step = typeof s.metadata.step === "number" ? s.metadata.step : undefined;
    for (const n of nodesOfStep(s)) if (!out[n]) out[n] = { status: "finished", step };
  }
  for (const t of selected?.tasks ?? []) {
    if (t.error) out[t.name] = { status: "failed", error: typeof t.error === "string" ? t.error : JSON.stringify(t.error) };
    else if (t.interrupts?.length) out[t.name] = { status: "waiting" };
  }
  return out;
}

/** Statuses as of `checkpointId`: from the log when it has the run, else from the history. */
export function nodeStatusesAt(log: readonly ThreadEvent[], history: readonly StateSnapshot[], checkpointId: string): Record<string, NodeRunInfo> {
  return statusesFromLog(log, checkpointId) ?? statusesFromHistory(history, checkpointId);
}
