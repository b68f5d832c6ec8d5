/** Checks of the state schema that the editor shows inline, before the server validates. */
import { FIELD_NAME_PATTERN, type FieldType, type Reducer, type StateField } from "./graphspec";

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
    else if (!FIELD_NAME_PATTERN.test(f.name)) msgs.push("Start with a letter; then letters, digits and underscores (64 at most).");
    else if (seen.has(f.name)) msgs.push(`“${f.name}” is already used by field ${seen.get(f.name)! + 1}.`);
    if (f.name) seen.set(f.name, seen.get(f.name) ?? i);
    const reducer = f.reducer ?? "replace";
    if (!reducerFits(reducer, f.type)) msgs.push(`The ${reducer} reducer does not work on ${f.type} values.`);
    if (msgs.length) out[i] = msgs;
  });
  return out;
}
