/**
 * What a reviewer sees and sends for an interrupt. The runtime's `human` node asks with
 * {title, instructions, fields, editable_fields, form_schema, error?}; other
 * interrupts may carry {form} or any plain value.
 */

export type JsonSchema = Record<string, unknown>;

export interface ReviewRequest {
  title: string;
  instructions: string;
  /** State values shown to the reviewer. */
  fields: Record<string, unknown>;
  /** The answer's form: the interrupt's own plus an input for each editable state field. */
  form: JsonSchema | null;
  /** True when answers carry a decision ("approve" | "reject"), set by the buttons. */
  hasDecision: boolean;
  editableFields: string[];
  /** Why the previous answer was refused, when the node asked again. */
  error: string | null;
  /** A value that is not a review request at all (shown as JSON). */
  raw: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function schemaForValue(name: string, v: unknown): JsonSchema {
  if (typeof v === "number") return { title: name, type: "number", default: v };
  if (typeof v === "boolean") return { title: name, type: "boolean", default: v };
  if (typeof v === "string" || v === null || v === undefined) return { title: name, type: "string", default: v ?? "" };
  return { title: name, default: v };
}

export function reviewRequest(value: unknown, node: string): ReviewRequest {
  if (!isRecord(value)) {
    return { title: `Review at ${node}`, instructions: "", fields: {}, form: null, hasDecision: true, editableFields: [], error: null, raw: value };
  }
  const fields = isRecord(value.fields) ? value.fields : {};
  const editableFields = Array.isArray(value.editable_fields) ? value.editable_fields.filter((x): x is string => typeof x === "string") : [];
  const base = isRecord(value.form_schema) ? value.form_schema : isRecord(value.form) ? value.form : null;
  let form: JsonSchema | null = base;
  if (editableFields.length) {
    const props = { ...(isRecord(base?.properties) ? base.properties : {}) } as Record<string, unknown>;
    for (const name of editableFields) {
      const own = props[name];
      if (!isRecord(own)) props[name] = schemaForValue(name, fields[name]);
      // The node's own input for the field starts from the value under review.
      else if (!("default" in own) && fields[name] !== undefined) props[name] = { ...own, default: fields[name] };
    }
    form = { type: "object", ...(base ?? {}), properties: props };
  }
  const props = isRecord(form?.properties) ? form.properties : {};
  return {
    title: typeof value.title === "string" && value.title ? value.title : `Review at ${node}`,
    instructions: typeof value.instructions === "string" ? value.instructions : "",
    fields,
    form,
    hasDecision: !form || "decision" in props,
    editableFields,
    error: typeof value.error === "string" ? value.error : null,
    raw: base || "title" in value ? undefined : value,
  };
}

export type ReviewAction = "approve" | "reject" | "edit" | "submit";

/** The resume value for a button press: the form's answer plus the decision the button means. */
export function reviewAnswer(req: ReviewRequest, action: ReviewAction, formData: Record<string, unknown>): unknown {
  if (!req.hasDecision) return formData;
  const answer: Record<string, unknown> = { ...formData, decision: action === "reject" ? "reject" : "approve" };
  // Only an explicit edit writes the editable fields back.
  if (action !== "edit") for (const f of req.editableFields) delete answer[f];
  return answer;
}
