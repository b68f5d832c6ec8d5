/**
 * The event log's rows: every event on its own, except LLM token chunks, which join
 * into one row per message (the wire carries a `messages` event per chunk).
 */
import { tokenChunk, type ThreadEvent } from "./events";

export type EventRow =
  | { kind: "event"; key: string; event: ThreadEvent }
  | { kind: "message"; key: string; event: ThreadEvent; lastSeq: number; node?: string; text: string; chunks: number };

export function eventRows(events: readonly ThreadEvent[]): EventRow[] {
  const rows: EventRow[] = [];
  const byMessage = new Map<string, number>();
  let lastAnon: { index: number; node?: string; runId: string | null } | null = null;
  for (const e of events) {
    if (e.type !== "messages") {
      rows.push({ kind: "event", key: `e${e.seq}`, event: e });
      lastAnon = null;
      continue;
    }
    const c = tokenChunk(e.data);
    const text = c?.text ?? "";
    let index = c?.id ? byMessage.get(c.id) : undefined;
    // Chunks without a message id join the previous row of the same node and run.
    if (index === undefined && !c?.id && lastAnon && lastAnon.node === c?.node && lastAnon.runId === e.run_id) index = lastAnon.index;
    const row = index === undefined ? undefined : rows[index];
    if (row && row.kind === "message") {
      rows[index!] = { ...row, text: row.text + text, chunks: row.chunks + 1, lastSeq: e.seq };
      continue;
    }
    rows.push({ kind: "message", key: `m${e.seq}`, event: e, lastSeq: e.seq, node: c?.node, text, chunks: 1 });
    if (c?.id) byMessage.set(c.id, rows.length - 1);
    else lastAnon = { index: rows.length - 1, node: c?.node, runId: e.run_id };
  }
  return rows;
}
