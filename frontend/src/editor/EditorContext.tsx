import { createContext, useContext } from "react";
import { useStore } from "zustand";
import type { NodeKindInfo } from "../api/types";
import type { EditorStore, EditorStoreApi } from "./store";

export const EditorContext = createContext<EditorStoreApi | null>(null);

export function useEditorApi(): EditorStoreApi {
  const api = useContext(EditorContext);
  if (!api) throw new Error("useEditor outside EditorContext");
  return api;
}

export function useEditor<T>(selector: (s: EditorStore) => T): T {
  return useStore(useEditorApi(), selector);
}

export const CatalogContext = createContext<{ kinds: NodeKindInfo[]; fallback: boolean }>({ kinds: [], fallback: true });

export function useCatalog() {
  return useContext(CatalogContext);
}
