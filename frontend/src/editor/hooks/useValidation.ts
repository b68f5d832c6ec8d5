/** Ask the server to validate the current spec, debounced, cancelling stale requests. */
import { useEffect } from "react";
import { validateGraph } from "../../api/graphs";
import { ApiError } from "../../api/http";
import { canvasToSpec } from "../../model/convert";
import type { EditorStoreApi } from "../store";

export function useValidation(api: EditorStoreApi, delayMs = 800): { validateNow: () => void } {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let ctrl: AbortController | null = null;
    const run = () => {
      ctrl?.abort();
      ctrl = new AbortController();
      const s = api.getState();
      if (s.validation === "unavailable") return;
      const spec = canvasToSpec(s.history.present);
      s.setValidation("running");
      validateGraph(s.graphId, spec, ctrl.signal).then(
        (problems) => api.getState().setProblems(problems, spec),
        (e: unknown) => {
          if ((e as Error).name === "AbortError") return;
          api.getState().setValidation(e instanceof ApiError && e.isMissing ? "unavailable" : "error");
        },
      );
    };
    run();
    const unsub = api.subscribe((s, prev) => {
      if (s.history.present === prev.history.present && !(s.validation === "idle" && prev.validation !== "idle")) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, delayMs);
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
      ctrl?.abort();
    };
  }, [api, delayMs]);
  return { validateNow: () => api.getState().setValidation("idle") };
}
