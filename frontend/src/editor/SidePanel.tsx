import { useDeferredValue, useId, type ReactNode } from "react";
import { isStepNode } from "../model/canvas";
import { TabList } from "../ui/TabList";
import { useEditor, useEditorApi } from "./EditorContext";
import { EdgeInspector } from "./EdgeInspector";
import { NodeInspector } from "./NodeInspector";
import { ProblemsPanel } from "./ProblemsPanel";
import { StateSchemaEditor } from "./StateSchemaEditor";
import { VersionsPanel } from "./VersionsPanel";
import type { EditorStore, PanelTab } from "./store";
import { SHORTCUTS } from "./hooks/useKeyboardShortcuts";

export function SidePanel({ onPublish, versionsKey }: { onPublish: () => void; versionsKey: number }) {
  const api = useEditorApi();
  const tab = useEditor((s) => s.tab);
  const problems = useEditor((s) => s.problems);
  const errors = problems.filter((p) => p.severity === "error").length;
  const base = useId();
  const tabs: { id: PanelTab; label: ReactNode; name: string }[] = [
    { id: "properties", label: "Properties", name: "Properties" },
    { id: "state", label: "State", name: "State" },
    {
      id: "problems",
      name: `Problems (${problems.length})`,
      label: (
        <>
          Problems{" "}
          {problems.length > 0 && <span className={`count ${errors ? "count-error" : "count-warning"}`}>{problems.length}</span>}
        </>
      ),
    },
    { id: "versions", label: "Versions", name: "Versions" },
  ];
  return (
    <aside className="side-panel" aria-label="Inspector">
      <TabList tabs={tabs} selected={tab} onSelect={(id) => api.getState().setTab(id)} idBase={base} label="Inspector sections" />
      <div role="tabpanel" id={`${base}-${tab}-panel`} aria-labelledby={`${base}-${tab}`} className="tab-panel">
        {tab === "properties" && <Properties />}
        {tab === "state" && <StateSchemaEditor />}
        {tab === "problems" && <ProblemsPanel />}
        {tab === "versions" && <VersionsPanel onPublish={onPublish} refreshKey={versionsKey} />}
      </div>
    </aside>
  );
}

/** "node ids|edge ids" of the selection: a string, so a drag (new positions) or a click
 *  elsewhere that keeps the selection does not re-render the inspector. */
function selectionKey(s: EditorStore): string {
  const d = s.history.present;
  let nodes = "";
  for (const n of d.nodes) if (n.selected) nodes += (nodes ? "\n" : "") + n.id;
  let edges = "";
  for (const e of d.edges) if (e.selected) edges += (edges ? "\n" : "") + e.id;
  return `${nodes}|${edges}`;
}

function Properties() {
  // Deferred: a click paints the selection on the canvas first, the inspector follows.
  const key = useDeferredValue(useEditor(selectionKey));
  const [n, e] = key.split("|") as [string, string];
  const selNodes = n ? n.split("\n") : [];
  const selEdges = e ? e.split("\n") : [];
  if (selNodes.length === 1 && selEdges.length === 0) return <SelectedNode id={selNodes[0]!} />;
  if (selEdges.length === 1 && selNodes.length === 0) return <SelectedEdge id={selEdges[0]!} />;
  if (selNodes.length + selEdges.length > 1) return <MultiSelection count={selNodes.length + selEdges.length} />;
  return <GraphSettings />;
}

function SelectedNode({ id }: { id: string }) {
  const n = useEditor((s) => s.history.present.nodes.find((x) => x.id === id));
  if (!n) return <GraphSettings />;
  if (isStepNode(n)) return <NodeInspector node={n} />;
  return (
    <section className="inspector">
      <h2>{n.data.label}</h2>
      <p className="muted">
        {n.id === "__start__"
          ? "Where every run begins. Connect it to the first node(s) to run."
          : "Where a run finishes. Connect the last node(s) here."}
      </p>
    </section>
  );
}

function SelectedEdge({ id }: { id: string }) {
  const edge = useEditor((s) => s.history.present.edges.find((x) => x.id === id));
  return edge ? <EdgeInspector edge={edge} /> : <GraphSettings />;
}

function MultiSelection({ count }: { count: number }) {
  const api = useEditorApi();
  const readOnly = useEditor((s) => s.readOnly);
  return (
    <section className="inspector">
      <h2>{count} items selected</h2>
      <p className="muted">Copy with Ctrl/⌘ C, paste with Ctrl/⌘ V: here, or in another graph or tab.</p>
      {!readOnly && (
        <button type="button" className="btn btn-danger" onClick={() => api.getState().deleteSelection()}>
          Delete {count} items
        </button>
      )}
    </section>
  );
}

function GraphSettings() {
  const api = useEditorApi();
  const meta = useEditor((s) => s.history.present.meta);
  const readOnly = useEditor((s) => s.readOnly);
  const stepCount = useEditor((s) => s.history.present.nodes.filter(isStepNode).length);
  return (
    <section className="inspector" aria-label="Graph settings">
      <h2>Graph</h2>
      <label className="field">
        <span>Name</span>
        <input value={meta.name} disabled={readOnly} onChange={(e) => api.getState().setMeta({ name: e.target.value }, "name")} />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea
          rows={3}
          value={meta.description}
          disabled={readOnly}
          onChange={(e) => api.getState().setMeta({ description: e.target.value }, "description")}
        />
      </label>
      {stepCount === 0 && !readOnly && (
        <p className="hint-box">Start by dragging a node from the left onto the canvas, then connect Start → your node → End.</p>
      )}
      <div className="inspector-section">
        <h3>Keyboard shortcuts</h3>
        <dl className="shortcuts">
          {SHORTCUTS.map(([k, v]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
