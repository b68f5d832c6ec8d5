/** Differences between the state values of two checkpoints, for the state inspector. */
import diff from "microdiff";

export type ChangeType = "added" | "removed" | "changed";

export interface StateChange {
  /** Path as JSON-pointer-like segments, e.g. ["messages", 2, "content"]. */
  path: (string | number)[];
  type: ChangeType;
  before?: unknown;
  after?: unknown;
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return v !== null && typeof v === "object";
}

/**
 * Changes from `before` to `after`. Top-level keys are compared deeply; a list
 * that only grew (the common case for messages and append reducers) is reported
 * as its new items, not as a change of the whole list.
 */
export function diffState(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined): StateChange[] {
  const a = before ?? {};
  const b = after ?? {};
  if (!isContainer(a) || !isContainer(b)) return [{ path: [], type: "changed", before: a, after: b }];
  return diff(a, b, { cyclesFix: false }).map((d) => {
    switch (d.type) {
      case "CREATE":
        return { path: d.path, type: "added", after: d.value };
      case "REMOVE":
        return { path: d.path, type: "removed", before: d.oldValue };
      case "CHANGE":
        return { path: d.path, type: "changed", before: d.oldValue, after: d.value };
    }
  });
}

/** "messages[2].content" from ["messages", 2, "content"]. */
export function formatPath(path: (string | number)[]): string {
  if (path.length === 0) return "(state)";
  return path.reduce<string>((acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), "");
}

/** Top-level keys that changed, for highlighting in a tree. */
export function changedKeys(changes: StateChange[]): Set<string> {
  return new Set(changes.map((c) => String(c.path[0] ?? "")));
}
