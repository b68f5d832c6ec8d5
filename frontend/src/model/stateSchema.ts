/** Checks of the state schema that the editor shows inline, before the server validates. */
import type { FieldType, Reducer, StateField } from "./graphspec";

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Field types each reducer accepts. */
export const REDUCER_TYPES: Record<Reducer, readonly FieldType[] | "all"> = {
  replace: "all",
  append: ["array", "any"],
  add: ["number", "integer", "array", "any"],
  merge: ["object", "any"],
  messages: ["messages", "array", "any"],
};

export function reducerFits(reducer: Reducer, type: FieldType): boolean {
  const ok = REDUCER_TYPES[reducer];
  return ok === "all" || ok.includes(type);
}

/** A sensible reducer when the type changes. */
export function defaultReducerFor(type: FieldType): Reducer {
  if (type === "messages") return "messages";
  return "replace";
}

/** Problems per field index (empty when the schema is fine). */
export function checkStateFields(fields: readonly StateField[]): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  const seen = new Map<string, number>();
  fields.forEach((f, i) => {
    const msgs: string[] = [];
    if (!f.name) msgs.push("Give the field a name.");
    else if (!FIELD_NAME.test(f.name)) msgs.push("Use letters, digits and underscores, not starting with a digit.");
    else if (seen.has(f.name)) msgs.push(`“${f.name}” is already used by field ${seen.get(f.name)! + 1}.`);
    if (f.name) seen.set(f.name, seen.get(f.name) ?? i);
    if (!reducerFits(f.reducer, f.type)) msgs.push(`The ${f.reducer} reducer does not work on ${f.type} values.`);
    if (msgs.length) out[i] = msgs;
  });
  return out;
}
