/** A node's config edited through a form generated from its kind's JSON Schema. */
import Form from "@rjsf/core";
import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import { useEffect, useMemo, useRef } from "react";
import type { JsonObject } from "../model/canvas";

const UI: UiSchema = { "ui:submitButtonOptions": { norender: true } };

export default function ConfigForm({
  schema,
  value,
  onChange,
  disabled,
  idPrefix,
  uiSchema,
}: {
  schema: Record<string, unknown>;
  value: JsonObject;
  /** `fromUser` is false when the form only filled in schema defaults on its own. */
  onChange: (v: JsonObject, fromUser: boolean) => void;
  disabled: boolean;
  idPrefix: string;
  uiSchema?: UiSchema;
}) {
  // The schema's own title would repeat the panel heading.
  const s = useMemo(() => ({ ...schema, title: undefined }) as RJSFSchema, [schema]);
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
  return (
    <div ref={box} className="config-form" onPointerDownCapture={touch} onKeyDownCapture={touch} onPasteCapture={touch}>
      <Form
        schema={s}
        uiSchema={uiSchema ? { ...UI, ...uiSchema } : UI}
        formData={value}
        validator={validator}
        liveValidate="onChange"
        showErrorList={false}
        noHtml5Validate
        disabled={disabled}
        idPrefix={idPrefix}
        onChange={(e) => onChange((e.formData ?? {}) as JsonObject, touched.current)}
      />
    </div>
  );
}
