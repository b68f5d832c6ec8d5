import { useEffect, useState } from "react";
import { EMPTY_FILTERS, THREAD_STATUSES, hasFilters, type DateField, type ThreadFilters } from "./threadFilters";

const STATUS_NAMES: Record<string, string> = { idle: "Idle", busy: "Running (busy)", interrupted: "Interrupted", error: "Error" };

interface Props {
  filters: ThreadFilters;
  onChange: (next: ThreadFilters) => void;
  graphs: { id: string; name: string }[];
  members: string[];
}

/** The controls of the Threads page's filters; every change is applied at once. */
export function ThreadFiltersBar({ filters, onChange, graphs, members }: Props) {
  const set = (patch: Partial<ThreadFilters>) => onChange({ ...filters, ...patch });
  // "Started by" is typed: apply it on Enter or when the field is left, not per keystroke.
  const [person, setPerson] = useState(filters.startedBy ?? "");
  useEffect(() => setPerson(filters.startedBy ?? ""), [filters.startedBy]);
  const commitPerson = () => {
    const value = person.trim() || undefined;
    if (value !== filters.startedBy) set({ startedBy: value });
  };
  const graphKnown = !filters.graph || graphs.some((g) => g.id === filters.graph);
  return (
    <form
      role="search"
      aria-label="Filter threads"
      className="threads-filters"
      onSubmit={(e) => {
        e.preventDefault();
        commitPerson();
      }}
    >
      <label className="threads-filter">
        <span>Status</span>
        <select value={filters.status ?? ""} onChange={(e) => set({ status: (e.target.value || undefined) as ThreadFilters["status"] })}>
          <option value="">Any status</option>
          {THREAD_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_NAMES[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="threads-filter threads-filter-check">
        <input type="checkbox" checked={!!filters.waiting} onChange={(e) => set({ waiting: e.target.checked || undefined })} />
        <span>Waiting for review</span>
      </label>
      <label className="threads-filter">
        <span>Graph</span>
        <select value={filters.graph ?? ""} onChange={(e) => set({ graph: e.target.value || undefined })}>
          <option value="">All graphs</option>
          {!graphKnown && <option value={filters.graph}>graph {filters.graph}</option>}
          {graphs.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </label>
      <label className="threads-filter">
        <span>Started by</span>
        <input
          list="threads-started-by"
          value={person}
          placeholder="anyone"
          onChange={(e) => setPerson(e.target.value)}
          onBlur={commitPerson}
        />
        <datalist id="threads-started-by">
          {members.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </label>
      <label className="threads-filter">
        <span>Date</span>
        <select value={filters.dateField} onChange={(e) => set({ dateField: e.target.value as DateField })}>
          <option value="created">Started</option>
          <option value="updated">Last activity</option>
        </select>
      </label>
      <label className="threads-filter">
        <span>From</span>
        <input type="date" value={filters.from ?? ""} max={filters.to} onChange={(e) => set({ from: e.target.value || undefined })} />
      </label>
      <label className="threads-filter">
        <span>To</span>
        <input type="date" value={filters.to ?? ""} min={filters.from} onChange={(e) => set({ to: e.target.value || undefined })} />
      </label>
      <button type="button" className="btn btn-ghost" disabled={!hasFilters(filters)} onClick={() => onChange(EMPTY_FILTERS)}>
        Clear filters
      </button>
    </form>
  );
}
