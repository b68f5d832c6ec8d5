export type Status = "idle" | "running" | "finished" | "failed" | "waiting" | "cancelled";

const LABELS: Record<Status, string> = {
  idle: "Idle",
  running: "Running",
  finished: "Finished",
  failed: "Failed",
  waiting: "Waiting for review",
  cancelled: "Cancelled",
};

/** Maps thread/run statuses from the server onto the four status colours. */
export function toStatus(s: string | null | undefined): Status {
  switch (s) {
    case "busy":
    case "running":
    case "pending":
    case "started":
      return "running";
    case "success":
    case "finished":
    case "idle-finished":
      return "finished";
    case "error":
    case "failed":
    case "timeout":
      return "failed";
    case "interrupted":
    case "waiting":
      return "waiting";
    case "cancelled":
    case "interrupted-cancel":
      return "cancelled";
    default:
      return "idle";
  }
}

export function StatusBadge({ status, label }: { status: Status; label?: string }) {
  return (
    <span className={`badge badge-${status}`}>
      <span className="badge-dot" aria-hidden="true" />
      {label ?? LABELS[status]}
    </span>
  );
}
