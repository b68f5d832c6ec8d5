import { useEffect, useState } from "react";
import { openInboxSocket, type SocketStatus } from "../api/socket";
import type { InboxItem } from "../api/types";
import { Link } from "../app/router";
import { Banner } from "../ui/Banner";
import { EmptyState } from "../ui/EmptyState";
import { Loading } from "../ui/Spinner";
import { StatusBadge } from "../ui/StatusBadge";
import { relativeTime } from "../ui/time";

export function InboxPage() {
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [status, setStatus] = useState<SocketStatus>("connecting");
  useEffect(() => openInboxSocket(setItems, setStatus), []);
  return (
    <div className="app-page">
      <div className="app-page-header">
        <h1>Inbox</h1>
        <span className="muted" aria-live="polite">
          {status === "open" ? "Live" : status === "connecting" ? "Connecting…" : status === "closed" ? "Reconnecting…" : ""}
        </span>
      </div>
      {status === "unavailable" && (
        <Banner tone="warning">Live updates are not available on this server yet, so the inbox cannot be shown.</Banner>
      )}
      {items === null && status !== "unavailable" && <Loading label="Waiting for the inbox…" />}
      {items !== null && items.length === 0 && (
        <EmptyState title="Nothing to review">
          Runs that pause at a human review node show up here. You will see them appear live.
        </EmptyState>
      )}
      {items !== null && items.length > 0 && (
        <ul className="card-list" aria-label="Runs waiting for review">
          {items.map((it) => (
            <li key={`${it.thread_id}:${it.interrupt_id ?? it.run_id ?? ""}`} className="card">
              <div className="card-main">
                <Link
                  href={`/app/threads/${encodeURIComponent(it.thread_id)}${it.graph_id ? `?graph=${encodeURIComponent(it.graph_id)}` : ""}`}
                  className="card-title"
                >
                  {it.title ?? `Review in ${it.graph_name ?? it.graph_id ?? "a graph"}`}
                </Link>
                <div className="muted">
                  {it.graph_name ?? it.graph_id ?? ""}
                  {it.node ? ` · at ${it.node_label ?? it.node}` : ""} · {relativeTime(it.created_at)}
                </div>
                {it.preview && (
                  <p className="card-preview" title={it.preview}>
                    {it.preview}
                  </p>
                )}
              </div>
              <StatusBadge status="waiting" />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
