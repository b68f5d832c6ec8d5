import { lazy, memo, Suspense, useMemo, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import type { StepNode } from "../model/canvas";
import { specKindOf } from "../model/canvas";
import type { RetryPolicy } from "../model/graphspec";
import { kindInfo } from "./catalog";
import { useCatalog, useEditor, useEditorApi } from "./EditorContext";
import { JsonField } from "./JsonField";
import { Loading } from "../ui/Spinner";

const ConfigForm = lazy(() => import("./ConfigForm"));

function hasFormSchema(schema: Record<string, unknown> | undefined): boolean {
  return !!schema && typeof schema.properties === "object" && Object.keys(schema.properties as object).length > 0;
}

/** The inspector reads only the node's id and data: dragging the node (a new position on
 *  every pointer move) must not re-render its config form. */
export const NodeInspector = memo(NodeInspectorBody, (a, b) => a.node.id === b.node.id && a.node.data === b.node.data);

function NodeInspectorBody({ node }: { node: StepNode }) {
  const api = useEditorApi();
  const readOnly = useEditor((s) => s.readOnly);
  const bp = useEditor((s) => s.history.present.meta.breakpoints);
  // Joined, so the form re-renders only when the names change (not on every edit).
  const stateKey = useEditor((s) => s.history.present.state.map((f) => f.name).join("\n"));
  const stateFields = useMemo(() => (stateKey ? stateKey.split("\n") : []), [stateKey]);
  const { kinds } = useCatalog();
  const kind = specKindOf(node.data);
  const info = kindInfo(kinds, kind);
  const schema = info?.config_schema;
  const [asJson, setAsJson] = useState(!hasFormSchema(schema));
  const s = api.getState();
  return (
    <section className="inspector" aria-label={`Node ${node.data.label}`}>
      <header className="inspector-header">
        <h2>{info?.title ?? kind} node</h2>
        {info?.description && <p className="muted">{info.description}</p>}
        <p className="muted mono" title="Node id">
          {node.id}
        </p>
      </header>
      <label className="field">
        <span>Label</span>
        <input value={node.data.label} disabled={readOnly} onChange={(e) => s.updateNode(node.id, { label: e.target.value }, "label")} onBlur={() => s.sealHistory()} />
      </label>

      <div className="inspector-section">
        <div className="section-title-row">
          <h3>Configuration</h3>
          {hasFormSchema(schema) && (
            <button type="button" className="btn btn-ghost btn-sm" aria-pressed={asJson} onClick={() => setAsJson((v) => !v)}>
              Edit as JSON
            </button>
          )}
        </div>
        {!asJson && schema ? (
          <Suspense fallback={<Loading label="Loading form…" />}>
            <ConfigForm
              key={node.id}
              idPrefix={`cfg-${node.id}`}
              schema={schema}
              value={node.data.config}
              disabled={readOnly}
              stateFields={stateFields}
              onChange={(config, fromUser, undoKey) =>
                fromUser ? s.updateNode(node.id, { config }, undoKey) : s.fillNodeDefaults(node.id, config)
              }
            />
          </Suspense>
        ) : (
          <JsonField
            key={node.id}
            label="Config (JSON)"
            value={node.data.config}
            disabled={readOnly}
            onChange={(v) => v && typeof v === "object" && !Array.isArray(v) && s.updateNode(node.id, { config: v as Record<string, unknown> }, "config")}
          />
        )}
      </div>

      <Connections nodeId={node.id} readOnly={readOnly} />

      <RetryEditor retry={node.data.retry} disabled={readOnly} onChange={(retry) => s.updateNode(node.id, { retry }, "retry")} />

      <div className="inspector-section">
        <h3>Breakpoints</h3>
        <label className="check">
          <input type="checkbox" checked={bp.before.includes(node.id)} disabled={readOnly} onChange={() => s.toggleBreakpoint(node.id, "before")} />
          Pause before this node runs
        </label>
        <label className="check">
          <input type="checkbox" checked={bp.after.includes(node.id)} disabled={readOnly} onChange={() => s.toggleBreakpoint(node.id, "after")} />
          Pause after this node runs
        </label>
      </div>

      {!readOnly && (
        <div className="inspector-actions">
          <button type="button" className="btn btn-danger" onClick={() => s.deleteSelection()}>
            Delete node
          </button>
        </div>
      )}
    </section>
  );
}

const RETRY_DEFAULT: RetryPolicy = { max_attempts: 3, initial_interval: 0.5, backoff_factor: 2, max_interval: 30, jitter: true };

function RetryEditor({ retry, disabled, onChange }: { retry?: RetryPolicy; disabled: boolean; onChange: (r: RetryPolicy | undefined) => void }) {
  const num = (key: keyof RetryPolicy, label: string, step: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        step={step}
        min={0}
        disabled={disabled}
        value={retry?.[key] === undefined ? "" : String(retry[key])}
        onChange={(e) => onChange({ ...retry, [key]: e.target.value === "" ? undefined : Number(e.target.value) })}
      />
    </label>
  );
  return (
    <div className="inspector-section">
      <h3>Retries</h3>
      <label className="check">
        <input type="checkbox" checked={!!retry} disabled={disabled} onChange={(e) => onChange(e.target.checked ? RETRY_DEFAULT : undefined)} />
        Retry this node when it fails
      </label>
      {retry && (
        <>
          <div className="field-row">
            {num("max_attempts", "Max attempts", "1")}
            {num("initial_interval", "First wait (s)", "0.1")}
          </div>
          <div className="field-row">
            {num("backoff_factor", "Backoff factor", "0.1")}
            {num("max_interval", "Max wait (s)", "1")}
          </div>
          <label className="check">
            <input type="checkbox" checked={!!retry.jitter} disabled={disabled} onChange={(e) => onChange({ ...retry, jitter: e.target.checked })} />
            Add jitter
          </label>
        </>
      )}
    </div>
  );
}

/** Outgoing edges of a node, and a keyboard-friendly way to add one. */
function Connections({ nodeId, readOnly }: { nodeId: string; readOnly: boolean }) {
  const api = useEditorApi();
  // Ids and labels only (node data keeps its identity while a node is dragged).
  const ids = useEditor(useShallow((s) => s.history.present.nodes.map((n) => n.id)));
  const datas = useEditor(useShallow((s) => s.history.present.nodes.map((n) => n.data)));
  const edges = useEditor((s) => s.history.present.edges);
  const [target, setTarget] = useState("");
  const outgoing = edges.filter((e) => e.source === nodeId);
  const nodes = ids.map((id, i) => ({ id, data: datas[i]! }));
  const label = (id: string) => nodes.find((n) => n.id === id)?.data.label ?? id;
  const candidates = nodes.filter((n) => n.id !== nodeId && n.id !== "__start__");
  const describe = (e: (typeof edges)[number]) =>
    e.type === "route" ? (e.data?.isDefault ? "default branch" : `branch “${e.data?.label ?? ""}”`) : e.type === "fanout" ? "fan-out" : "always";
  return (
    <div className="inspector-section">
      <h3>Connections</h3>
      {outgoing.length === 0 ? (
        <p className="muted">Nothing follows this node yet. Drag from its right handle, or pick a node below.</p>
      ) : (
        <ul className="connections">
          {outgoing.map((e) => (
            <li key={e.id}>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => api.getState().focusElement("edge", e.id)}>
                → {label(e.target)} <span className="muted">({describe(e)})</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {!readOnly && (
        <div className="field-row">
          <label className="field">
            <span>Connect to</span>
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">Choose a node…</option>
              {candidates.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.data.label}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="btn"
            disabled={!target}
            onClick={() => {
              api.getState().connect(nodeId, target);
              setTarget("");
            }}
          >
            Connect
          </button>
        </div>
      )}
    </div>
  );
}
