/**
 * Work the first page needs, started before React renders: its code chunk and its data.
 * Opening a big graph is dominated by waits (the page chunk, then the graph's JSON); on a
 * full page load both start at once instead of one after the other.
 */
const started = new Map<string, Promise<unknown>>();

/** Start `load` under `key` unless it already runs. */
export function preload<T>(key: string, load: () => Promise<T>): void {
  if (started.has(key)) return;
  const p = load();
  p.catch(() => undefined); // whoever takes it handles the failure; nobody may
  started.set(key, p);
}

/** The preloaded promise for `key`, once: a later load fetches afresh (fresh data). */
export function takePreloaded<T>(key: string): Promise<T> | undefined {
  const p = started.get(key) as Promise<T> | undefined;
  started.delete(key);
  return p;
}
