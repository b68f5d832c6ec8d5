import { lazy, Suspense, useMemo, useState } from "react";
import type { UiSchema } from "@rjsf/utils";
import type { OpenInterrupt } from "../model/events";
import { reviewAnswer, reviewRequest, type ReviewAction } from "../model/review";
import { Loading } from "../ui/Spinner";
import { JsonTree } from "./JsonTree";
import { useNodeLabel } from "./labels";

const ConfigForm = lazy(() => import("../editor/ConfigForm"));

/** The buttons say approve/reject, so the form does not ask for the decision again. */
const HIDE_DECISION: UiSchema = { decision: { "ui:widget": "hidden" } };

/** A paused run asking for review: approve, reject, or edit the proposed values and continue. */
export function InterruptPanel({
  interrupt,
  onAnswer,
  busy,
}: {
  interrupt: OpenInterrupt;
  onAnswer: (value: unknown, action: ReviewAction) => void;
  busy: boolean;
}) {
  const label = useNodeLabel();
  const req = useMemo(() => reviewRequest(interrupt.value, label(interrupt.node)), [interrupt, label]);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [edited, setEdited] = useState(false);
  const send = (action: ReviewAction) => onAnswer(reviewAnswer(req, action, values), action);
  const hasFieldsToShow = Object.keys(req.fields).length > 0;
  return (
    <section className="interrupt-panel" aria-label="Waiting for review">
      <header>
        <span className="badge badge-waiting">
          <span className="badge-dot" aria-hidden="true" />
          Waiting for review{interrupt.node ? ` at ${label(interrupt.node)}` : ""}
        </span>
        <h2>{req.title}</h2>
        {req.instructions && <p>{req.instructions}</p>}
      </header>
      {req.error && (
        <p className="field-error" role="alert">
          The last answer was not accepted: {req.error}
        </p>
      )}
      {hasFieldsToShow && (
        <details open>
          <summary>State to review</summary>
          <JsonTree value={req.fields} name="State to review" />
        </details>
      )}
      {req.raw !== undefined && <pre className="code">{JSON.stringify(req.raw, null, 2)}</pre>}
      {req.form && (
        <Suspense fallback={<Loading label="Loading form…" />}>
          <ConfigForm
            key={interrupt.id}
            idPrefix={`review-${interrupt.id.replace(/[^\w-]/g, "")}`}
            schema={req.form}
            uiSchema={req.hasDecision ? HIDE_DECISION : undefined}
            value={values}
            disabled={busy}
            onChange={(v, fromUser) => {
              setValues(v);
              if (fromUser) setEdited(true);
            }}
          />
        </Suspense>
      )}
      <div className="btn-group">
        {req.hasDecision ? (
          <>
            <button type="button" className="btn btn-success" disabled={busy} onClick={() => send("approve")}>
              Approve
            </button>
            <button type="button" className="btn btn-danger" disabled={busy} onClick={() => send("reject")}>
              Reject
            </button>
            {req.editableFields.length > 0 && (
              <button type="button" className="btn" disabled={busy || !edited} onClick={() => send("edit")}>
                Edit and continue
              </button>
            )}
          </>
        ) : (
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => send("submit")}>
            Submit and continue
          </button>
        )}
      </div>
    </section>
  );
}
