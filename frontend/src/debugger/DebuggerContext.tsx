import { createContext, useContext } from "react";
import { useStore } from "zustand";
import type { DebuggerStore, DebuggerStoreApi } from "./store";

export const DebuggerContext = createContext<DebuggerStoreApi | null>(null);

export function useDebuggerApi(): DebuggerStoreApi {
  const api = useContext(DebuggerContext);
  if (!api) throw new Error("useDebugger outside DebuggerContext");
  return api;
}

export function useDebugger<T>(selector: (s: DebuggerStore) => T): T {
  return useStore(useDebuggerApi(), selector);
}
