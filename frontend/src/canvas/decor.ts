/** What the canvas overlays on nodes: run status (debugger), problems and breakpoints. */
import { createContext, useContext } from "react";
import type { Severity } from "../api/types";
import type { NodeRunInfo } from "../model/events";

export interface CanvasDecor {
  status: Record<string, NodeRunInfo>;
  problems: Record<string, Severity>;
  breakpointsBefore: ReadonlySet<string>;
  breakpointsAfter: ReadonlySet<string>;
  kindTitles: Record<string, string>;
  /** Node currently selected in the debugger timeline's "next" list, etc. */
  highlighted: ReadonlySet<string>;
}

export const EMPTY_DECOR: CanvasDecor = {
  status: {},
  problems: {},
  breakpointsBefore: new Set(),
  breakpointsAfter: new Set(),
  kindTitles: {},
  highlighted: new Set(),
};

export const CanvasDecorContext = createContext<CanvasDecor>(EMPTY_DECOR);

export function useCanvasDecor(): CanvasDecor {
  return useContext(CanvasDecorContext);
}
