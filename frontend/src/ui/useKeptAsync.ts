import { useRef } from "react";
import { useAsync, type AsyncState } from "./useAsync";

/** `useAsync` for lists that reload after each change: the last answer stays on screen while the next one loads. */
export function useKeptAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> & { reload: () => void } {
  const state = useAsync(load, deps);
  const last = useRef<{ data: T } | null>(null);
  if (state.status === "ready") last.current = { data: state.data };
  if (state.status === "loading" && last.current) return { status: "ready", data: last.current.data, reload: state.reload };
  return state;
}
