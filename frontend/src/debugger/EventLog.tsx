import { useEffect, useMemo, useRef, useState } from "react";
import { describeEvent } from "../model/events";
import { eventRows } from "../model/eventRows";
import { useDebugger } from "./DebuggerContext";
import { useNodeLabel } from "./labels";
import "./debugger.css";

const GROUPS: Record<string, (t: string) => boolean> = {
  All: () => true,
  Runs: (t) => t.startsWith("run."),
  Tasks: (t) => t.startsWith("task."),
  Checkpoints: (t) => t === "checkpoint.created",
  Reviews: (t) => t === "interrupt" || t === "review.resolved",
  Stream: (t) => t === "values" || t === "updates" || t === "custom" || t === "messages",
};

function tone(type: string): string {
  if (type.endsWith("failed")) return "failed";
  if (type.endsWith("finished")) return "finished";
  if (type.endsWith("started") || type === "run.created") return "running";
  if (type === "interrupt") return "waiting";
  return "idle";
}

export function EventLog() {
  const log = useDebugger((s) => s.debug.log);
  const [group, setGroup] = useState("All");
  const [follow, setFollow] = useState(true);
  const listRef = useRef<HTMLOListElement>(null);
  const label = useNodeLabel();
  // A message's token chunks are one row (expandable), not one row per chunk.
  const shown = useMemo(() => eventRows(log.filter((e) => GROUPS[group]!(e.type))).slice(-500), [log, group]);
  useEffect(() => {
    if (follow && listRef.current) listRef.current.scrollTop = listRef.current.scrollHeight;
  }, [shown, follow]);
  return (
    <section className="event-log" aria-label="Event log">
      <div className="btn-group wrap">
        <label className="field inline">
          <span>Show</span>
          <select value={group} onChange={(e) => setGroup(e.target.value)} aria-label="Filter events">
            {Object.keys(GROUPS).map((g) => (
              <option key={g}>{g}</option>
            ))}
          </select>
        </label>
        <label className="check inline">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow new events
        </label>
        <span className="muted">
          {log.length} events{shown.length !== log.length && group === "All" ? ` in ${shown.length} rows` : ""}
        </span>
      </div>
      {shown.length === 0 ? (
        <p className="empty-inline">No events yet. They stream in here while a run is going.</p>
      ) : (
        <ol className="events" ref={listRef}>
          {shown.map((r) => {
            const e = r.event;
            return (
              <li key={r.key} className={`event event-${tone(e.type)}`}>
                <span className="event-head">
                  <span className="event-seq mono">#{r.kind === "message" && r.lastSeq !== e.seq ? `${e.seq}–${r.lastSeq}` : e.seq}</span>
                  <span className="event-type mono">{r.kind === "message" ? "message" : e.type}</span>
                  <span className="event-time mono">{e.ts ? new Date(e.ts).toLocaleTimeString() : ""}</span>
                </span>
                {r.kind === "message" ? (
                  <details className="event-chunks">
                    <summary>
                      {r.node ? label(r.node) : "LLM"} wrote {r.text.length} characters in {r.chunks} {r.chunks === 1 ? "chunk" : "chunks"}: {JSON.stringify(r.text.slice(0, 40))}
                      {r.text.length > 40 ? "…" : ""}
                    </summary>
                    <div className="tokens">{r.text}</div>
                  </details>
                ) : (
                  <span className="event-text">{describeEvent(e, label)}</span>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
