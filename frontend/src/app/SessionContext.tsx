import { createContext, useContext } from "react";
import { useStore } from "zustand";
import type { SessionStore, SessionStoreHook } from "./session";

export const SessionContext = createContext<SessionStoreHook | null>(null);

export function useSession<T>(selector: (s: SessionStore) => T): T {
  const store = useContext(SessionContext);
  if (!store) throw new Error("useSession outside SessionContext");
  return useStore(store, selector);
}

/** The role the user has in the selected workspace (viewer when unknown). */
export function useWorkspaceRole() {
  return useSession((s) => s.workspaces.find((w) => w.slug === s.workspace)?.role ?? "viewer");
}
