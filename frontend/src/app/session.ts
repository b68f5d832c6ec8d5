/** Who is signed in and which workspace is selected; shared by every page. */
import { create } from "zustand";
import { fetchMe } from "../api/me";
import { errorMessage } from "../api/http";
import type { User, Workspace } from "../api/types";

const WORKSPACE_KEY = "switchyard.workspace";

export interface SessionState {
  user: User | null;
  workspaces: Workspace[];
  workspace: string | null;
  status: "idle" | "loading" | "ready" | "error";
  error: string | null;
}

export interface SessionActions {
  load: () => Promise<void>;
  selectWorkspace: (slug: string) => void;
}

export type SessionStore = SessionState & SessionActions;

function storedWorkspace(): string | null {
  try {
    return window.localStorage.getItem(WORKSPACE_KEY);
  } catch {
    return null;
  }
}

/** The workspace to start in: a link's ?workspace= (e.g. after accepting an invitation)
 * wins over the one remembered from last time, and is remembered in its place. */
function initialWorkspace(): string | null {
  const linked = new URLSearchParams(window.location.search).get("workspace")?.trim();
  if (!linked) return storedWorkspace();
  try {
    window.localStorage.setItem(WORKSPACE_KEY, linked);
  } catch {
    /* private mode: selection lasts for this page only */
  }
  return linked;
}

export function createSessionStore(initialUser: User | null) {
  return create<SessionStore>()((set) => ({
    user: initialUser,
    workspaces: [],
    workspace: initialWorkspace(),
    status: "idle",
    error: null,
    load: async () => {
      set({ status: "loading", error: null });
      try {
        const me = await fetchMe();
        set((s) => {
          const keep = s.workspace && me.workspaces.some((w) => w.slug === s.workspace);
          return {
            user: me.user,
            workspaces: me.workspaces,
            workspace: keep ? s.workspace : (me.workspaces[0]?.slug ?? null),
            status: "ready",
          };
        });
      } catch (e) {
        set({ status: "error", error: errorMessage(e) });
      }
    },
    selectWorkspace: (slug) => {
      try {
        window.localStorage.setItem(WORKSPACE_KEY, slug);
      } catch {
        /* private mode: selection lasts for this page only */
      }
      set({ workspace: slug });
    },
  }));
}

export type SessionStoreHook = ReturnType<typeof createSessionStore>;
