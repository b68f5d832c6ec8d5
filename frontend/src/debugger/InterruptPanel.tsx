import { lazy, Suspense, useState } from "react";
import type { InterruptPrompt, OpenInterrupt } from "../model/events";
import { Loading } from "../ui/Spinner";

const ConfigForm = lazy(() => import("../editor/ConfigForm"));

function prompt(i: OpenInterrupt): InterruptPrompt {
  return i.value && typeof i.value === "object" ? (i.value as InterruptPrompt) : { title: String(i.value ?? "") };
}

export type ReviewDecision = "approve" | "reject" | "edit";

/** A paused run asking for review: approve, reject, or edit the proposed values and continue. */
export function InterruptPanel({
  interrupt,
  onDecide,
  busy,
}: {
  interrupt: OpenInterrupt;
  onDecide: (decision: ReviewDecision, values: Record<string, unknown>) => void;
  busy: boolean;
}) {
  const p = prompt(interrupt);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [edited, setEdited] = useState(false);
  const form = p.form && typeof p.form === "object" ? p.form : null;
  return (
    <section className="interrupt-panel" aria-label="Waiting for review">
      <header>
        <span className="badge badge-waiting">
          <span className="badge-dot" aria-hidden="true" />
          Waiting for review
        </span>
        <h2>{p.title || `Review at ${interrupt.node}`}</h2>
        {p.instructions && <p>{p.instructions}</p>}
      </header>
      {form ? (
        <Suspense fallback={<Loading label="Loading form…" />}>
          <ConfigForm
            key={interrupt.id}
            idPrefix={`review-${interrupt.id}`}
            schema={form}
            value={values}
            disabled={busy}
            onChange={(v, fromUser) => {
              setValues(v);
              if (fromUser) setEdited(true);
            }}
          />
        </Suspense>
      ) : (
        !p.instructions && <pre className="code">{JSON.stringify(interrupt.value, null, 2)}</pre>
      )}
      <div className="btn-group">
        <button type="button" className="btn btn-success" disabled={busy} onClick={() => onDecide("approve", values)}>
          Approve
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => onDecide("reject", values)}>
          Reject
        </button>
        {form && (
          <button type="button" className="btn" disabled={busy || !edited} onClick={() => onDecide("edit", values)}>
            Edit and continue
          </button>
        )}
      </div>
    </section>
  );
}
