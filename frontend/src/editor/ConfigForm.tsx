/** A node's config edited through a form generated from its kind's JSON Schema. */
import Form from "@rjsf/core";
import type { RJSFSchema, RegistryWidgetsType, UiSchema, WidgetProps } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import { useEffect, useMemo, useRef, type FormEvent } from "react";
import type { JsonObject } from "../model/canvas";
import { configFormUi } from "./formUi";
import { editKey, onlyDefaultsAdded } from "./configEdits";
import "./editor-ui.css";

const UI: UiSchema = { "ui:submitButtonOptions": { norender: true } };
const NO_FIELDS: readonly string[] = [];

/** A config property naming a state field: a select of the graph's state fields. */
function StateFieldWidget(props: WidgetProps) {
  const { id, value, disabled, readonly, required, onChange, onBlur, onFocus, options } = props;
  const fields = (options.stateFields as readonly string[] | undefined) ?? NO_FIELDS;
  const nullable = Boolean(options.nullable);
  const current = typeof value === "string" ? value : "";
  const unknown = current !== "" && !fields.includes(current);
  return (
    <select
      id={id}
      className="form-control"
      value={current}
      disabled={disabled || readonly}
      required={required}
      onChange={(e) => onChange(e.target.value === "" ? (nullable ? null : undefined) : e.target.value)}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
    >
      <option value="">{nullable ? "(none)" : "Choose a state field…"}</option>
      {fields.map((f) => (
        <option key={f} value={f}>
          {f}
        </option>
      ))}
      {unknown && <option value={current}>{current} (not a state field)</option>}
    </select>
  );
}

const WIDGETS: RegistryWidgetsType = { stateField: StateFieldWidget };

export default function ConfigForm({
  schema,
  value,
  onChange,
  disabled,
  idPrefix,
  uiSchema,
  stateFields = NO_FIELDS,
}: {
  schema: Record<string, unknown>;
  value: JsonObject;
  /** `fromUser` is false when the form only filled in schema defaults on its own; edits
   *  with the same `undoKey` (typing in one field) are one undo step. */
  onChange: (v: JsonObject, fromUser: boolean, undoKey: string) => void;
  disabled: boolean;
  idPrefix: string;
  uiSchema?: UiSchema;
  /** The graph's state field names, offered where a property names one. */
  stateFields?: readonly string[];
}) {
  // The schema's own title would repeat the panel heading.
  const derived = useMemo(() => configFormUi({ ...schema, title: undefined }, { stateFields }), [schema, stateFields]);
  const s = derived.schema as RJSFSchema;
  const ui = useMemo(() => ({ ...UI, ...(derived.uiSchema as UiSchema), ...(uiSchema ?? {}) }), [derived, uiSchema]);
  const touched = useRef(false);
  const box = useRef<HTMLDivElement>(null);
  // rjsf renders the oneOf/anyOf variant picker without a label; give it a name.
  useEffect(() => {
    box.current?.querySelectorAll("select[id$='__oneof_select'], select[id$='__anyof_select']").forEach((el) => {
      if (!el.getAttribute("aria-label")) el.setAttribute("aria-label", "Kind of value");
    });
  });
  const touch = () => {
    touched.current = true;
  };
  // Bumped when a field is left or a discrete choice is made: the next edit is a new undo step.
  const commit = useRef(0);
  const bump = () => {
    commit.current += 1;
  };
  const onChangeCapture = (e: FormEvent) => {
    const t = e.target as HTMLInputElement;
    if (t.tagName === "SELECT" || t.type === "checkbox" || t.type === "radio") bump();
  };
  return (
    <div
      ref={box}
      className="config-form"
      onPointerDownCapture={touch}
      onKeyDownCapture={touch}
      onPasteCapture={touch}
      onBlurCapture={bump}
      onChangeCapture={onChangeCapture}
    >
      <Form
        schema={s}
        uiSchema={ui}
        widgets={WIDGETS}
        formData={value}
        validator={validator}
        liveValidate="onChange"
        showErrorList={false}
        noHtml5Validate
        disabled={disabled}
        idPrefix={idPrefix}
        onChange={(e, id) => {
          const next = (e.formData ?? {}) as JsonObject;
          const fromUser = touched.current || !onlyDefaultsAdded(value, next, s as Record<string, unknown>);
          onChange(next, fromUser, editKey(id, commit.current));
        }}
      />
    </div>
  );
}
