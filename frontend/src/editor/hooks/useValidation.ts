/** Ask the server to validate the current spec, debounced, cancelling stale requests. */
import { useEffect } from "react";
import { validateGraph } from "../../api/graphs";
import { ApiError } from "../../api/http";
import { canvasToSpec, specMayDiffer } from "../../model/convert";
import type { EditorStoreApi } from "../store";

export function useValidation(api: EditorStoreApi, delayMs = 800): { validateNow: () => void } {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let ctrl: AbortController | null = null;
    let lastJson = "";
    const run = (force = false) => {
      const s = api.getState();
      if (s.validation === "unavailable") return;
      const spec = canvasToSpec(s.history.present);
      // Selecting or measuring nodes changes the document but not the spec.
      const json = JSON.stringify(spec);
      if (!force && json === lastJson) return;
      lastJson = json;
      ctrl?.abort();
      ctrl = new AbortController();
      s.setValidation("running");
      validateGraph(s.graphId, spec, ctrl.signal).then(
        (problems) => api.getState().setProblems(problems, spec),
        (e: unknown) => {
          if ((e as Error).name === "AbortError") return;
          lastJson = "";
          api.getState().setValidation(e instanceof ApiError && e.isMissing ? "unavailable" : "error");
        },
      );
    };
    // Not at once: opening a big graph has enough to do before it is interactive.
    timer = setTimeout(() => run(), delayMs);
    const unsub = api.subscribe((s, prev) => {
      const retry = s.validation === "idle" && prev.validation !== "idle";
      if (s.dragging) return;
      const edited = prev.dragging || specMayDiffer(prev.history.present, s.history.present);
      if (!edited && !retry) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => run(retry), delayMs);
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
      ctrl?.abort();
    };
  }, [api, delayMs]);
  return { validateNow: () => api.getState().setValidation("idle") };
}
