/** The debugger's node labels, from its store (see `createDebuggerStore`). */
import { useCallback } from "react";
import { labelOf } from "../model/labels";
import { useDebugger } from "./DebuggerContext";

/** `(nodeId) => label` for the graph being debugged. */
export function useNodeLabel(): (id: string) => string {
  const labels = useDebugger((s) => s.nodeLabels);
  return useCallback((id: string) => labelOf(labels, id), [labels]);
}
