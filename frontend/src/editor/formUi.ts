/**
 * How a node kind's config schema is shown as a form: labels from each property's
 * `title` (else the key humanised), long text as textareas, and properties that name a
 * state field as a select of the graph's current state fields. Pure: schema in, schema
 * and rjsf uiSchema out.
 */
import { humanizeKey } from "./problemText";

type Schema = Record<string, unknown>;
export type Ui = Record<string, unknown>;

/** Keys whose strings are prompts, templates or code: several lines. */
const LONG_TEXT = /^(system|prompt|template|instructions|content|code|body|description|expression_template)$|_(prompt|template)$/;

function asSchema(v: unknown): Schema | null {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Schema) : null;
}

function typesOf(s: Schema): string[] {
  const t = s.type;
  return Array.isArray(t) ? (t as string[]) : typeof t === "string" ? [t] : [];
}

/** A property naming a state field: the runtime's field_prop (field-name pattern) or a `*_field` string. */
export function namesStateField(key: string, s: Schema): boolean {
  if (s["x-state-field"] === true) return true;
  if (!typesOf(s).includes("string") || s.enum) return false;
  return (typeof s.pattern === "string" && s.pattern.startsWith("^[A-Za-z][A-Za-z0-9_]")) || key.endsWith("_field");
}

function isLongText(key: string, s: Schema): boolean {
  if (s["x-widget"] === "textarea" || s["x-ui"] === "textarea" || s.format === "textarea" || s.format === "template") return true;
  return typesOf(s).includes("string") && !s.enum && LONG_TEXT.test(key);
}

export interface FormUiOptions {
  /** Names of the graph's state fields, for the state field selects. */
  stateFields: readonly string[];
  /** The widget drawing a state field select (ConfigForm's), registered as "stateField". */
  stateWidget?: string;
}

/** Walk a property: its titled schema and its uiSchema entry. */
function walk(key: string, s: Schema, opts: FormUiOptions, inArray: boolean): { schema: Schema; ui: Ui } {
  const out: Schema = { ...s };
  const ui: Ui = {};
  if (!inArray && typeof s.title !== "string") out.title = humanizeKey(key);
  if (namesStateField(key, s)) {
    ui["ui:widget"] = opts.stateWidget ?? "stateField";
    ui["ui:options"] = { stateFields: opts.stateFields, nullable: typesOf(s).includes("null") };
  } else if (isLongText(key, s)) {
    ui["ui:widget"] = "textarea";
    ui["ui:options"] = { rows: key === "code" ? 8 : 4 };
  }
  const props = asSchema(s.properties);
  if (props) {
    const { properties, ui: inner } = walkProperties(props, opts);
    out.properties = properties;
    Object.assign(ui, inner);
  }
  const items = asSchema(s.items);
  if (items) {
    const r = walk(key, items, opts, true);
    // An item of a list names its field by the list's key (show_fields → each a state field).
    out.items = r.schema;
    if (Object.keys(r.ui).length) ui.items = r.ui;
  }
  return { schema: out, ui };
}

function walkProperties(props: Schema, opts: FormUiOptions): { properties: Schema; ui: Ui } {
  const properties: Schema = {};
  const ui: Ui = {};
  for (const [k, v] of Object.entries(props)) {
    const s = asSchema(v);
    if (!s) {
      properties[k] = v;
      continue;
    }
    const r = walk(k, s, opts, false);
    properties[k] = r.schema;
    if (Object.keys(r.ui).length) ui[k] = r.ui;
  }
  return { properties, ui };
}

/** The schema with a title on every property, and the uiSchema for its long texts and state fields. */
export function configFormUi(schema: Schema, opts: FormUiOptions): { schema: Schema; uiSchema: Ui } {
  const props = asSchema(schema.properties);
  if (!props) return { schema, uiSchema: {} };
  const { properties, ui } = walkProperties(props, opts);
  return { schema: { ...schema, properties }, uiSchema: ui };
}
