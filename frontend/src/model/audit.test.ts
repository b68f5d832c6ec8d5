import { describe, expect, it } from "vitest";
import { auditActors, auditComment, auditFilter, auditVerb, collapseAudit, describeAudit, filterAudit, type AuditRecord } from "./audit";

let id = 0;
const entry = (action: string, actor: string | null, detail: Record<string, unknown> = {}): AuditRecord => ({
  id: ++id,
  action,
  actor,
  detail,
  created_at: "2026-01-01T00:00:00Z",
});

const trail = [
  entry("run.started", "ann", { run_id: "r1" }),
  entry("review.resume", "bob", { decision: "approve" }),
  entry("review.resume", "cy", { decision: "reject" }),
  entry("review.update_state", "bob", { checkpoint_id: "1ef-aaaa-12345678" }),
  entry("review.fork", "ann", { checkpoint_id: "1ef-bbbb-87654321" }),
  entry("run.cancel_requested", "ann"),
  entry("review.cancel", "cy"),
  entry("comment.created", "bob", { checkpoint_id: "x" }),
  entry("thread.created", null),
];

describe("audit trail", () => {
  it("names each action in the product's words", () => {
    expect(trail.map(auditVerb)).toEqual(["started", "approved", "rejected", "edited", "rewound", "cancelled", "cancelled", "commented", "other"]);
    expect(describeAudit(trail[1]!)).toBe("approved the review");
    expect(describeAudit(trail[2]!)).toBe("rejected the review");
    expect(describeAudit(trail[3]!)).toBe("edited the state at checkpoint …12345678");
    expect(describeAudit(trail[4]!)).toBe("rewound to checkpoint …87654321");
    expect(describeAudit(trail[8]!)).toBe("created the thread");
    expect(describeAudit(entry("review.start_run", "ann", { run_id: "r9" }))).toBe("started a run");
    expect(describeAudit(entry("graph.some_new_thing", "ann"))).toBe("some new thing (graph)");
    expect(describeAudit(entry("review.resume", "x", { decision: "maybe" }))).toBe("answered the review");
  });

  it("filters by action and actor", () => {
    expect(filterAudit(trail, "").length).toBe(trail.length);
    expect(filterAudit(trail, "approved").map((e) => e.actor)).toEqual(["bob"]);
    expect(filterAudit(trail, "rejected").map((e) => e.actor)).toEqual(["cy"]);
    expect(filterAudit(trail, "cancelled").map((e) => e.actor)).toEqual(["ann", "cy"]);
    expect(filterAudit(trail, "", "bob").map((e) => e.action)).toEqual(["review.resume", "review.update_state", "comment.created"]);
    expect(filterAudit(trail, "cancelled", "ann")).toHaveLength(1);
    expect(filterAudit(trail, "no-such-filter")).toHaveLength(trail.length);
  });

  it("sends a server filter only when one action covers it", () => {
    expect(auditFilter("approved").serverAction).toBe("review.resume");
    expect(auditFilter("cancelled").serverAction).toBeUndefined();
    expect(auditActors(trail)).toEqual(["ann", "bob", "cy"]);
  });

  it("keeps one entry when a debugger action is logged by the review and by the service", () => {
    const pair = [
      entry("review.start_run", "ann", { run_id: "r5" }),
      entry("run.started", "ann", { run_id: "r5" }),
      entry("run.started", "bob", { run_id: "r6" }), // through the API: kept
      entry("review.fork", "ann", { checkpoint_id: "cp-new", run_id: "r7" }),
      entry("thread.state_updated", "ann", { checkpoint_id: "cp-new" }),
      entry("run.started", "ann", { run_id: "r7" }),
      entry("review.cancel", "cy", { run_id: "r7" }),
      entry("run.cancel_requested", "cy", { run_id: "r7" }),
    ];
    expect(collapseAudit(pair).map((e) => `${e.action}:${describeAudit(e)}`)).toEqual([
      "review.start_run:started a run",
      "run.started:started a run",
      "review.fork:rewound to checkpoint …"+"cp-new".slice(-8),
      "review.cancel:cancelled the run",
    ]);
  });

  it("logs edit-and-continue as an edit, under the Edited state filter, not Approved", () => {
    const edited = entry("review.resume", "bob", { decision: "approve", edited_fields: ["draft"] });
    const plain = entry("review.resume", "bob", { decision: "approve" });
    expect(auditVerb(edited)).toBe("edited");
    expect(describeAudit(edited)).toBe("edited draft and approved the review");
    expect(filterAudit([edited, plain], "edited")).toEqual([edited]);
    expect(filterAudit([edited, plain], "approved")).toEqual([plain]);
  });

  it("shows the reviewer's comment", () => {
    expect(auditComment(entry("review.resume", "cy", { decision: "reject", comment: " Too rude " }))).toBe("Too rude");
    expect(auditComment(entry("review.resume", "cy", { decision: "reject" }))).toBe("");
  });
});
