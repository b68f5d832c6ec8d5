import type { ReactNode } from "react";

export interface Tab<T extends string> {
  id: T;
  label: ReactNode;
  /** The accessible name, when the label is not plain text (e.g. it carries a count). */
  name?: string;
}

/**
 * A row of tabs wired for screen readers: tab `x` is `${idBase}-x` and controls the panel
 * `${idBase}-x-panel`, which the caller renders (role="tabpanel", aria-labelledby the tab).
 */
export function TabList<T extends string>({
  tabs,
  selected,
  onSelect,
  idBase,
  label,
  className = "tabs",
}: {
  tabs: readonly Tab<T>[];
  selected: T;
  onSelect: (id: T) => void;
  idBase: string;
  label: string;
  className?: string;
}) {
  return (
    <div role="tablist" className={className} aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          className="tab"
          id={`${idBase}-${t.id}`}
          aria-selected={selected === t.id}
          aria-controls={`${idBase}-${t.id}-panel`}
          aria-label={t.name}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
