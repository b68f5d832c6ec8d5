/** A JSON Schema for a run's input, derived from the graph's state schema (for the run form). */
import type { StateField } from "./graphspec";

type Schema = Record<string, unknown>;

function fieldSchema(f: StateField): Schema {
  const base: Schema = { title: f.name };
  if (f.description) base.description = f.description;
  switch (f.type) {
    case "string":
      return { ...base, type: "string" };
    case "number":
      return { ...base, type: "number" };
    case "integer":
      return { ...base, type: "integer" };
    case "boolean":
      return { ...base, type: "boolean" };
    case "object":
      return { ...base, type: "object", additionalProperties: true };
    case "array":
      return { ...base, type: "array", items: {} };
    case "messages":
      // Typed as a single user message; the form turns it into a messages list.
      return { ...base, type: "string", title: `${f.name} (a new user message)` };
    case "any":
      return { ...base };
  }
}

/** The fields a run's input form asks for: those marked `input`, or every field when none
 * is (as in LangGraph, where the input schema defaults to the state schema). */
export function inputFields(fields: readonly StateField[]): StateField[] {
  const marked = fields.filter((f) => f.input === true);
  return marked.length > 0 ? marked : [...fields];
}

export function inputSchemaFor(fields: readonly StateField[]): Schema {
  const properties: Record<string, Schema> = {};
  for (const f of fields) properties[f.name] = fieldSchema(f);
  return { type: "object", properties };
}

/** Form data → run input: empty values are left out; message fields become one human message. */
export function formDataToInput(fields: readonly StateField[], data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = data[f.name];
    if (v === undefined || v === "" || v === null) continue;
    out[f.name] = f.type === "messages" && typeof v === "string" ? [{ type: "human", content: v }] : v;
  }
  return out;
}
