/**
 * The thread's audit trail in the product's words: who started, approved, rejected,
 * edited, rewound or cancelled, and the filters the audit panel offers.
 */

export interface AuditRecord {
  id: number;
  action: string;
  actor: string | null;
  detail: Record<string, unknown>;
  created_at: string;
}

export type AuditVerb = "started" | "approved" | "rejected" | "answered" | "edited" | "rewound" | "cancelled" | "commented" | "shared" | "other";

function decision(e: AuditRecord): string | undefined {
  const d = e.detail?.decision;
  return typeof d === "string" ? d : undefined;
}

/** The review fields a reviewer changed before answering (edit-and-continue). */
function editedFields(e: AuditRecord): string[] {
  const f = e.detail?.edited_fields;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === "string") : [];
}

/** The reviewer's comment on the action (a reject's reason, say), or "". */
export function auditComment(e: AuditRecord): string {
  const c = e.detail?.comment;
  return typeof c === "string" ? c.trim() : "";
}

const DECIDED: Record<string, string> = { approve: "approved", reject: "rejected" };

function shortId(v: unknown): string {
  return typeof v === "string" ? v.slice(-8) : "";
}

/** What kind of thing an entry records. */
export function auditVerb(e: AuditRecord): AuditVerb {
  switch (e.action) {
    case "run.started":
    case "review.start_run":
      return "started";
    case "review.resume": {
      // Edit-and-continue: the edit is what matters (the decision is in the sentence).
      if (editedFields(e).length > 0) return "edited";
      const d = decision(e);
      return d === "approve" ? "approved" : d === "reject" ? "rejected" : "answered";
    }
    case "review.update_state":
    case "thread.state_updated":
      return "edited";
    case "review.fork":
      return "rewound";
    case "review.cancel":
    case "run.cancel_requested":
      return "cancelled";
    case "comment.created":
      return "commented";
    case "sharelink.created":
    case "sharelink.revoked":
      return "shared";
    default:
      return "other";
  }
}

/** One sentence without the actor ("approved the review", "rewound to checkpoint …1a2b"). */
export function describeAudit(e: AuditRecord): string {
  const cp = shortId(e.detail?.checkpoint_id);
  switch (auditVerb(e)) {
    case "started":
      return "started a run";
    case "approved":
      return "approved the review";
    case "rejected":
      return "rejected the review";
    case "answered":
      return "answered the review";
    case "edited": {
      const fields = editedFields(e);
      if (fields.length > 0) return `edited ${fields.join(", ")} and ${DECIDED[decision(e) ?? ""] ?? "answered"} the review`;
      return cp ? `edited the state at checkpoint …${cp}` : "edited the state";
    }
    case "rewound":
      return cp ? `rewound to checkpoint …${cp}` : "re-ran from an earlier checkpoint";
    case "cancelled":
      return "cancelled the run";
    case "commented":
      return cp ? `commented on checkpoint …${cp}` : "commented";
    case "shared":
      return e.action === "sharelink.revoked" ? "revoked a share link" : "created a share link";
    default:
      return OTHER_ACTIONS[e.action] ?? humanize(e.action);
  }
}

/** Sentences for the thread-level actions that are not reviewer verbs. */
const OTHER_ACTIONS: Record<string, string> = {
  "thread.created": "created the thread",
  "thread.updated": "updated the thread's details",
  "thread.deleted": "deleted the thread",
  "thread.copied": "copied the thread",
  "thread.imported": "imported the thread",
  "run.deleted": "deleted a run",
  "review.start_run": "started a run",
};

/** "thing.did_something" → "did something (thing)": readable for actions this build does not know. */
function humanize(action: string): string {
  const [subject, ...rest] = action.split(".");
  const verb = rest.join(" ").replace(/_/g, " ");
  return verb ? `${verb} (${subject!.replace(/_/g, " ")})` : action.replace(/_/g, " ");
}

/**
 * One entry per thing a person did. A reviewer action through the debugger is logged
 * twice by the server: `review.<action>` and the service's own entry for the run it
 * started or cancelled (`run.started`, `run.cancel_requested`, same `run_id`) or the state
 * it wrote (`thread.state_updated`, same `checkpoint_id`); the review entry says more, so
 * the service entry is left out.
 */
export function collapseAudit<T extends AuditRecord>(entries: readonly T[]): T[] {
  const covered = new Set<string>();
  for (const e of entries) {
    if (!e.action.startsWith("review.")) continue;
    const runId = e.detail?.run_id;
    const cp = e.detail?.checkpoint_id;
    if (typeof runId === "string") covered.add(`run:${e.actor ?? ""}:${runId}`);
    if (typeof cp === "string") covered.add(`cp:${e.actor ?? ""}:${cp}`);
  }
  if (!covered.size) return [...entries];
  return entries.filter((e) => {
    const runId = e.detail?.run_id;
    const cp = e.detail?.checkpoint_id;
    if ((e.action === "run.started" || e.action === "run.cancel_requested") && typeof runId === "string") return !covered.has(`run:${e.actor ?? ""}:${runId}`);
    if (e.action === "thread.state_updated" && typeof cp === "string") return !covered.has(`cp:${e.actor ?? ""}:${cp}`);
    return true;
  });
}

export interface AuditFilter {
  id: string;
  label: string;
  /** Sent to the server as `?action=` when the filter is exactly one action (or prefix). */
  serverAction?: string;
  verbs: readonly AuditVerb[];
}

export const AUDIT_FILTERS: readonly AuditFilter[] = [
  { id: "", label: "All actions", verbs: [] },
  { id: "started", label: "Started", verbs: ["started"] },
  { id: "approved", label: "Approved", serverAction: "review.resume", verbs: ["approved"] },
  { id: "rejected", label: "Rejected", serverAction: "review.resume", verbs: ["rejected"] },
  { id: "edited", label: "Edited state", verbs: ["edited"] },
  { id: "rewound", label: "Rewound", serverAction: "review.fork", verbs: ["rewound"] },
  { id: "cancelled", label: "Cancelled", verbs: ["cancelled"] },
  { id: "commented", label: "Commented", serverAction: "comment.created", verbs: ["commented"] },
  { id: "shared", label: "Sharing", serverAction: "sharelink", verbs: ["shared"] },
];

export function auditFilter(id: string): AuditFilter {
  return AUDIT_FILTERS.find((f) => f.id === id) ?? AUDIT_FILTERS[0]!;
}

/** Entries matching the filter and (when given) the actor, in the order given. */
export function filterAudit<T extends AuditRecord>(entries: readonly T[], filterId: string, actor = ""): T[] {
  const f = auditFilter(filterId);
  return entries.filter((e) => (f.verbs.length === 0 || f.verbs.includes(auditVerb(e))) && (!actor || (e.actor ?? "") === actor));
}

/** Everyone who appears in the entries, sorted, for the actor filter. */
export function auditActors(entries: readonly AuditRecord[]): string[] {
  return [...new Set(entries.map((e) => e.actor).filter((a): a is string => !!a))].sort();
}
