/**
 * Telling a form's own default-filling from a person's edit, and which undo step an edit
 * belongs to. Pure.
 */
type Obj = Record<string, unknown>;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * True when `next` differs from `prev` only by keys `prev` lacked, each set to its schema
 * default: the form filling defaults in, not an edit (even one made without key events,
 * e.g. a value set by a script or autofill, is an edit).
 */
export function onlyDefaultsAdded(prev: Obj, next: Obj, schema: Obj): boolean {
  const props = (schema.properties ?? {}) as Record<string, Obj | undefined>;
  const keys = new Set([...Object.keys(prev), ...Object.keys(next)]);
  for (const k of keys) {
    if (same(prev[k], next[k])) continue;
    if (k in prev && prev[k] !== undefined) return false;
    const d = props[k]?.default;
    if (d === undefined || !same(d, next[k])) {
      // Nested defaults (an object property filled with its own defaults) count as defaults too.
      if (!(next[k] && typeof next[k] === "object" && !Array.isArray(next[k]) && props[k] && onlyDefaultsAdded({}, next[k] as Obj, props[k]!))) return false;
    }
  }
  return true;
}

/**
 * The undo key of a config edit: typing in one field coalesces until the field is left
 * (`commit` is bumped on blur and on each choice in a select, checkbox or radio).
 */
export function editKey(fieldId: string | undefined, commit: number): string {
  return `config:${fieldId ?? "form"}#${commit}`;
}
