/** The run form's last inputs, kept per graph in the browser (localStorage), so testing a
 * graph again starts from what was typed last time. */

export interface PlaygroundInputs {
  /** The form's values, by field name. */
  form: Record<string, unknown>;
  /** The raw JSON input, when that was used instead of the form. */
  json: unknown;
  raw: boolean;
}

const PREFIX = "switchyard.runInputs.";

export function playgroundKey(graphId: string): string {
  return PREFIX + graphId;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The inputs last used for `graphId`, or null (none kept, storage unavailable, or garbage). */
export function loadPlayground(storage: Pick<Storage, "getItem"> | null, graphId: string): PlaygroundInputs | null {
  try {
    const text = storage?.getItem(playgroundKey(graphId));
    const value: unknown = text ? JSON.parse(text) : null;
    if (!isObject(value) || !isObject(value.form)) return null;
    return { form: value.form, json: isObject(value.json) ? value.json : {}, raw: value.raw === true };
  } catch {
    return null;
  }
}

export function savePlayground(storage: Pick<Storage, "setItem"> | null, graphId: string, inputs: PlaygroundInputs): void {
  try {
    storage?.setItem(playgroundKey(graphId), JSON.stringify(inputs));
  } catch {
    /* private mode or full: the form simply starts empty next time */
  }
}

export function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
