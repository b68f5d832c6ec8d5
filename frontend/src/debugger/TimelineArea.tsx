import { useState, type ReactNode } from "react";
import { CheckpointTimeline } from "./CheckpointTimeline";

/** The strip under the canvas: the checkpoint timeline, or the audit trail. */
export function TimelineArea({ audit }: { audit: ReactNode }) {
  const [tab, setTab] = useState<"checkpoints" | "audit">("checkpoints");
  const tabs = [
    { id: "checkpoints", label: "Checkpoints" },
    { id: "audit", label: "Audit trail" },
  ] as const;
  return (
    <div className={`debugger-timeline${tab === "audit" ? " is-audit" : ""}`}>
      <div role="tablist" className="tabs timeline-tabs" aria-label="Timeline sections">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            className="tab"
            id={`tl-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`tl-${t.id}-panel`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`tl-${tab}-panel`} aria-labelledby={`tl-${tab}`}>
        {tab === "checkpoints" ? <CheckpointTimeline /> : audit}
      </div>
    </div>
  );
}
