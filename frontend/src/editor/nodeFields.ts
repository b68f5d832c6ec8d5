/**
 * State fields a node kind's default config names. A node dropped from the palette must
 * not be broken on arrival ("Decision field 'decision' is not a state field"), so the
 * editor adds the missing ones with the node, in the same undo step.
 */
import type { NodeKindInfo } from "../api/types";
import type { FieldType, StateField } from "../model/graphspec";

/** The type each kind needs of the field its config names by default (runtime/graphspec/kinds). */
const NEEDED_TYPE: Record<string, FieldType> = {
  "llm.input_messages_field": "messages",
  "llm.output_field": "messages",
  "tools.messages_field": "messages",
  "human.decision_field": "string",
  "router.record_field": "string",
  "http.output_field": "object",
};

/** A config property that names a state field: `*_field`, or a string with the field-name pattern. */
function namesField(key: string, prop: Record<string, unknown>): boolean {
  return key.endsWith("_field") || (prop.type === "string" && typeof prop.pattern === "string" && prop.pattern.startsWith("^[A-Za-z]"));
}

function fieldOf(name: string, type: FieldType): StateField {
  if (type === "messages") return { name, type, reducer: "messages", default: [] };
  return { name, type };
}

/** The fields `kind`'s default config names (one per name), with the types the kind needs. */
export function fieldsNamedByDefaults(info: NodeKindInfo | undefined): StateField[] {
  const props = (info?.config_schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const out = new Map<string, StateField>();
  for (const [key, prop] of Object.entries(props)) {
    if (!prop || typeof prop !== "object" || typeof prop.default !== "string" || !namesField(key, prop)) continue;
    const name = prop.default;
    if (out.has(name)) continue;
    const type = NEEDED_TYPE[`${info!.kind}.${key}`] ?? (name === "messages" ? "messages" : "any");
    out.set(name, fieldOf(name, type));
  }
  return [...out.values()];
}

/** Of `needed`, those the state does not have yet. */
export function missingFields(needed: readonly StateField[], state: readonly StateField[]): StateField[] {
  const have = new Set(state.map((f) => f.name));
  return needed.filter((f) => !have.has(f.name));
}

/** "Added state field “decision” (string) for this node." */
export function addedFieldsNotice(added: readonly StateField[], label: string): string {
  const list = added.map((f) => `“${f.name}” (${f.type})`).join(", ");
  return `Added state ${added.length === 1 ? "field" : "fields"} ${list} that ${label} needs. Undo removes ${added.length === 1 ? "it" : "them"} with the node.`;
}
