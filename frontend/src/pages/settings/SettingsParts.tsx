/** The pattern every settings section repeats: a titled section with the last action's
 * error, a list (loading, failure, empty text or table with an actions column) and a
 * destructive button that asks once more before it acts. */
import type { ReactNode } from "react";
import { Banner } from "../../ui/Banner";
import type { AsyncState } from "../../ui/useAsync";
import { LoadError } from "./LoadError";

interface ActionError {
  error: string | null;
  setError: (error: string | null) => void;
}

/** `<section>` named by its heading; the failed action's message is dismissable. */
export function SettingsSection({
  id,
  title,
  intro,
  action,
  children,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  action: ActionError;
  children: ReactNode;
}) {
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {intro}
      {action.error && (
        <Banner tone="error" onDismiss={() => action.setError(null)}>
          {action.error}
        </Banner>
      )}
      {children}
    </section>
  );
}

/** A settings list: loading and failure in one line, `empty` when there is nothing (the
 * table is shown even then when `empty` is not given), else a table whose last column
 * holds each row's actions. `row` renders the cells of one item. */
export function SettingsTable<T>({
  state,
  what,
  empty,
  columns,
  keyOf,
  row,
}: {
  state: AsyncState<T[]>;
  what: string;
  empty?: ReactNode;
  columns: string[];
  keyOf: (item: T) => string | number;
  row: (item: T) => ReactNode;
}) {
  return (
    <>
      <LoadError state={state} what={what} />
      {state.status === "ready" &&
        (state.data.length === 0 && empty !== undefined ? (
          <p className="empty-inline">{empty}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((item) => (
                <tr key={keyOf(item)}>{row(item)}</tr>
              ))}
            </tbody>
          </table>
        ))}
    </>
  );
}

/** A destructive button that turns into "Yes, …" / "Keep" before acting. */
export function ConfirmButton({
  confirming,
  onAsk,
  onKeep,
  onConfirm,
  busy,
  text,
  label,
  groupLabel,
  confirmText,
}: {
  confirming: boolean;
  onAsk: () => void;
  onKeep: () => void;
  onConfirm: () => void;
  busy: boolean;
  /** The button's text ("Delete") and accessible name ("Delete credential x"). */
  text: string;
  label: string;
  groupLabel: string;
  confirmText: string;
}) {
  if (!confirming) {
    return (
      <button type="button" className="btn btn-sm btn-danger" aria-label={label} onClick={onAsk}>
        {text}
      </button>
    );
  }
  return (
    <span className="btn-group" role="group" aria-label={groupLabel}>
      <button type="button" className="btn btn-sm btn-danger" disabled={busy} onClick={onConfirm}>
        {confirmText}
      </button>
      <button type="button" className="btn btn-sm" onClick={onKeep}>
        Keep
      </button>
    </span>
  );
}
