import { useEffect, useRef } from "react";
import { FIELD_TYPES, REDUCERS, type FieldType, type Reducer, type StateField } from "../model/graphspec";
import { checkStateFields, defaultReducerFor, reducerFits } from "../model/stateSchema";
import { useEditor, useEditorApi } from "./EditorContext";

const REDUCER_HELP: Record<Reducer, string> = {
  replace: "last write wins",
  append: "adds items to a list",
  add: "sums numbers / joins lists",
  merge: "shallow dict merge",
  messages: "chat messages (by id)",
};

function defaultText(v: unknown): string {
  return v === undefined ? "" : JSON.stringify(v);
}

/** The graph's state channels: name, type, reducer, default. */
export function StateSchemaEditor() {
  const api = useEditorApi();
  const fields = useEditor((s) => s.history.present.state);
  const readOnly = useEditor((s) => s.readOnly);
  const highlighted = useEditor((s) => s.highlightedField);
  const problems = checkStateFields(fields);
  const rowRefs = useRef<(HTMLFieldSetElement | null)[]>([]);
  useEffect(() => {
    if (highlighted !== null) rowRefs.current[highlighted]?.scrollIntoView({ block: "nearest" });
  }, [highlighted]);

  const set = (next: StateField[], key?: string) => api.getState().setStateFields(next, key);
  const patch = (i: number, p: Partial<StateField>, key?: string) => set(fields.map((f, j) => (j === i ? { ...f, ...p } : f)), key ? `${i}:${key}` : undefined);
  const move = (i: number, d: -1 | 1) => {
    const j = i + d;
    if (j < 0 || j >= fields.length) return;
    const next = [...fields];
    [next[i], next[j]] = [next[j]!, next[i]!];
    set(next);
  };
  const add = () => {
    let n = fields.length + 1;
    while (fields.some((f) => f.name === `field_${n}`)) n++;
    set([...fields, { name: `field_${n}`, type: "string", reducer: "replace", default: null }]);
  };

  return (
    <section className="state-editor" aria-label="State schema">
      <p className="muted">
        Every node reads the state and returns updates to it. Each field’s reducer decides how an update combines with the current
        value.
      </p>
      {fields.length === 0 && <p className="empty-inline">No state fields yet. Add one to give your nodes something to read and write.</p>}
      {fields.map((f, i) => {
        const errs = problems[i];
        return (
          <fieldset
            key={i}
            ref={(el) => {
              rowRefs.current[i] = el;
            }}
            className={`state-field${highlighted === i ? " is-highlighted" : ""}${errs ? " has-error" : ""}`}
            disabled={readOnly}
            aria-label={`State field ${f.name || i + 1}`}
          >
            <label className="field">
              <span>Name</span>
              <input value={f.name} onChange={(e) => patch(i, { name: e.target.value }, "name")} aria-invalid={errs ? true : undefined} />
            </label>
            <div className="field-row">
              <label className="field">
                <span>Type</span>
                <select
                  value={f.type}
                  onChange={(e) => {
                    const type = e.target.value as FieldType;
                    patch(i, { type, reducer: reducerFits(f.reducer ?? "replace", type) ? f.reducer : defaultReducerFor(type) });
                  }}
                >
                  {FIELD_TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>Reducer</span>
                <select value={f.reducer ?? "replace"} onChange={(e) => patch(i, { reducer: e.target.value as Reducer })}>
                  {REDUCERS.map((r) => (
                    <option key={r} value={r} disabled={!reducerFits(r, f.type)} title={REDUCER_HELP[r]}>
                      {r}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            {/* The chosen reducer's meaning in full, under the row (it did not fit in the select). */}
            <p className="field-hint reducer-help">{REDUCER_HELP[f.reducer ?? "replace"]}</p>
            <div className="field-row">
              <DefaultInput value={f.default} onChange={(v) => patch(i, { default: v }, "default")} />
              <label className="field">
                <span>Description</span>
                <input value={f.description ?? ""} onChange={(e) => patch(i, { description: e.target.value || undefined }, "desc")} />
              </label>
            </div>
            <label className="check">
              <input type="checkbox" checked={f.input === true} onChange={(e) => patch(i, { input: e.target.checked || undefined })} />
              Input: the run form asks for it (when no field is marked, it asks for every field)
            </label>
            {errs?.map((m) => (
              <p key={m} className="field-error" role="alert">
                {m}
              </p>
            ))}
            {!readOnly && (
              <div className="btn-group">
                <button type="button" className="btn btn-ghost btn-sm" aria-label={`Move ${f.name} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </button>
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  aria-label={`Move ${f.name} down`}
                  disabled={i === fields.length - 1}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </button>
                <button type="button" className="btn btn-ghost btn-sm btn-danger" onClick={() => set(fields.filter((_, j) => j !== i))}>
                  Remove {f.name || "field"}
                </button>
              </div>
            )}
          </fieldset>
        );
      })}
      {!readOnly && (
        <button type="button" className="btn" onClick={add}>
          Add state field
        </button>
      )}
    </section>
  );
}

function DefaultInput({ value, onChange }: { value: unknown; onChange: (v: unknown) => void }) {
  const text = defaultText(value);
  return (
    <label className="field">
      <span>Default (JSON)</span>
      <input
        className="mono"
        defaultValue={text}
        key={text}
        placeholder="none"
        onBlur={(e) => {
          const raw = e.target.value.trim();
          if (raw === "") return onChange(undefined);
          try {
            onChange(JSON.parse(raw));
            e.target.setCustomValidity("");
          } catch {
            e.target.setCustomValidity("Not valid JSON");
            e.target.reportValidity();
          }
        }}
      />
    </label>
  );
}
