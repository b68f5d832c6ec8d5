import { describe, expect, it } from "vitest";
import { cursorOf, filtersFromSearch, filtersToQuery, filtersToSearch, hasFilters, type ThreadFilters } from "./threadFilters";

describe("thread filters in the URL", () => {
  it("round-trips every filter through the query string", () => {
    const f: ThreadFilters = {
      workspace: "acme",
      status: "interrupted",
      waiting: true,
      graph: "12",
      startedBy: "ann lee",
      dateField: "updated",
      from: "2026-01-02",
      to: "2026-01-31",
    };
    const qs = filtersToSearch(f);
    expect(qs).toBe("?workspace=acme&status=interrupted&waiting=1&graph=12&started_by=ann+lee&date=updated&from=2026-01-02&to=2026-01-31");
    expect(filtersFromSearch(new URLSearchParams(qs))).toEqual(f);
  });

  it("writes nothing for no filters and drops malformed values", () => {
    expect(filtersToSearch({ dateField: "created" })).toBe("");
    // The date field alone narrows nothing, so it is not written.
    expect(filtersToSearch({ dateField: "updated" })).toBe("");
    const f = filtersFromSearch(new URLSearchParams("status=success&waiting=yes&graph=abc&from=2026-02-30&to=tomorrow&date=x"));
    expect(f).toEqual({ dateField: "created", workspace: undefined, status: undefined, waiting: undefined, graph: undefined, startedBy: undefined, from: undefined, to: undefined });
    expect(hasFilters(f)).toBe(false);
    expect(hasFilters({ dateField: "created", workspace: "acme" })).toBe(false);
    expect(hasFilters({ dateField: "created", waiting: true })).toBe(true);
  });
});

describe("thread filters to the list API", () => {
  it("sends local days as instants: from its start, to the start of the next day", () => {
    const q = filtersToQuery({ dateField: "created", from: "2026-03-01", to: "2026-03-31", waiting: true, status: "error", startedBy: "bo", graph: "3" });
    expect(q.created_after).toBe(new Date(2026, 2, 1).toISOString());
    expect(q.created_before).toBe(new Date(2026, 3, 1).toISOString());
    expect(q.updated_after).toBeUndefined();
    expect(q).toMatchObject({ waiting_for_review: "true", status: "error", started_by: "bo", graph: "3" });
    const u = filtersToQuery({ dateField: "updated", to: "2026-12-31" });
    expect(u.updated_before).toBe(new Date(2027, 0, 1).toISOString());
    expect(u.waiting_for_review).toBeUndefined();
  });

  it("reads the cursor out of a page link", () => {
    expect(cursorOf("http://h/api/workspaces/a/threads/?cursor=cD0y&page_size=50")).toBe("cD0y");
    expect(cursorOf(null)).toBeUndefined();
    expect(cursorOf("/api/x/?page_size=2")).toBeUndefined();
  });
});
