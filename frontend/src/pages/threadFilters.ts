/** The Threads page's filters: read from and written to the URL query string (so a
 * filtered view can be shared as a link), and turned into the list API's parameters. */

export const THREAD_STATUSES = ["idle", "busy", "interrupted", "error"] as const;
export type ThreadStatusFilter = (typeof THREAD_STATUSES)[number];
export type DateField = "created" | "updated";

export interface ThreadFilters {
  workspace?: string;
  status?: ThreadStatusFilter;
  waiting?: boolean;
  graph?: string;
  startedBy?: string;
  dateField: DateField;
  /** Inclusive days, YYYY-MM-DD, in the viewer's time zone. */
  from?: string;
  to?: string;
}

export const EMPTY_FILTERS: ThreadFilters = { dateField: "created" };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function validDay(value: string | null): string | undefined {
  if (!value || !DAY.test(value)) return undefined;
  return Number.isNaN(localMidnight(value).getTime()) ? undefined : value;
}

/** Filters from a query string; unknown or malformed values are dropped, not guessed. */
export function filtersFromSearch(search: URLSearchParams): ThreadFilters {
  const status = search.get("status");
  const graph = search.get("graph")?.trim();
  const startedBy = search.get("started_by")?.trim();
  const workspace = search.get("workspace")?.trim();
  return {
    workspace: workspace || undefined,
    status: (THREAD_STATUSES as readonly string[]).includes(status ?? "") ? (status as ThreadStatusFilter) : undefined,
    waiting: search.get("waiting") === "1" ? true : undefined,
    graph: graph && /^\d+$/.test(graph) ? graph : undefined,
    startedBy: startedBy || undefined,
    dateField: search.get("date") === "updated" ? "updated" : "created",
    from: validDay(search.get("from")),
    to: validDay(search.get("to")),
  };
}

/** The query string for these filters (only what is set, in a fixed order). */
export function filtersToSearch(f: ThreadFilters): string {
  const params = new URLSearchParams();
  if (f.workspace) params.set("workspace", f.workspace);
  if (f.status) params.set("status", f.status);
  if (f.waiting) params.set("waiting", "1");
  if (f.graph) params.set("graph", f.graph);
  if (f.startedBy) params.set("started_by", f.startedBy);
  if (f.from || f.to) {
    if (f.dateField === "updated") params.set("date", "updated");
    if (f.from) params.set("from", f.from);
    if (f.to) params.set("to", f.to);
  }
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

/** True when any filter narrows the list (the workspace does not count). */
export function hasFilters(f: ThreadFilters): boolean {
  return Boolean(f.status || f.waiting || f.graph || f.startedBy || f.from || f.to);
}

function localMidnight(day: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d);
  // new Date(2026, 1, 30) rolls over to March: such a day does not exist.
  if (date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) return new Date(NaN);
  return date;
}

/** The list API's query parameters. Days are the viewer's local days, sent as instants:
 * `from` is the start of its day (inclusive), `to` the start of the next day (exclusive). */
export function filtersToQuery(f: ThreadFilters): Record<string, string | undefined> {
  const query: Record<string, string | undefined> = {
    status: f.status,
    waiting_for_review: f.waiting ? "true" : undefined,
    graph: f.graph,
    started_by: f.startedBy,
  };
  if (f.from) query[`${f.dateField}_after`] = localMidnight(f.from).toISOString();
  if (f.to) {
    const end = localMidnight(f.to);
    end.setDate(end.getDate() + 1);
    query[`${f.dateField}_before`] = end.toISOString();
  }
  return query;
}

/** The cursor of a page link the API returned (`next` / `previous` are full URLs). */
export function cursorOf(link: string | null | undefined): string | undefined {
  if (!link) return undefined;
  try {
    return new URL(link, "http://x").searchParams.get("cursor") ?? undefined;
  } catch {
    return undefined;
  }
}
