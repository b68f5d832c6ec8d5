import { useState, type ReactNode } from "react";
import { TabList } from "../ui/TabList";
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
      <TabList tabs={tabs} selected={tab} onSelect={setTab} idBase="tl" label="Timeline sections" className="tabs timeline-tabs" />
      <div role="tabpanel" id={`tl-${tab}-panel`} aria-labelledby={`tl-${tab}`}>
        {tab === "checkpoints" ? <CheckpointTimeline /> : audit}
      </div>
    </div>
  );
}
