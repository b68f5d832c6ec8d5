/** Debounced autosave of the draft with optimistic concurrency (409 → conflict dialog). */
import { useCallback, useEffect } from "react";
import { saveDraft } from "../../api/graphs";
import { errorMessage } from "../../api/http";
import { canvasToSpec } from "../../model/convert";
import type { EditorStoreApi } from "../store";

export const AUTOSAVE_DELAY_MS = 1200;

export function useAutosave(api: EditorStoreApi): { saveNow: () => Promise<void> } {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void save(api), AUTOSAVE_DELAY_MS);
    };
    const unsub = api.subscribe((s, prev) => {
      if (s.readOnly || s.conflict) return;
      if (s.history.present !== prev.history.present || (s.saveStatus === "dirty" && prev.saveStatus !== "dirty")) {
        const json = JSON.stringify(canvasToSpec(s.history.present));
        if (json !== s.savedSpecJson) {
          if (s.saveStatus !== "dirty" && s.saveStatus !== "saving") api.setState({ saveStatus: "dirty" });
          schedule();
        } else if (s.saveStatus === "dirty") api.setState({ saveStatus: "saved" });
      }
    });
    const beforeUnload = (e: BeforeUnloadEvent) => {
      const st = api.getState().saveStatus;
      if (st === "dirty" || st === "saving" || st === "conflict") e.preventDefault();
    };
    window.addEventListener("beforeunload", beforeUnload);
    return () => {
      unsub();
      window.removeEventListener("beforeunload", beforeUnload);
      if (timer) {
        clearTimeout(timer);
        // Leaving the page: flush what is pending rather than dropping it.
        void save(api);
      }
    };
  }, [api]);
  const saveNow = useCallback(() => save(api), [api]);
  return { saveNow };
}

const inFlight = new WeakMap<EditorStoreApi, Promise<void>>();

async function save(api: EditorStoreApi): Promise<void> {
  const running = inFlight.get(api);
  if (running) await running;
  const s = api.getState();
  if (s.readOnly || s.conflict) return;
  const spec = canvasToSpec(s.history.present);
  const json = JSON.stringify(spec);
  if (json === s.savedSpecJson) {
    if (s.saveStatus === "dirty") api.setState({ saveStatus: "saved" });
    return;
  }
  s.markSaving();
  const request = (async () => {
    try {
      const r = await saveDraft(s.graphId, spec, s.draftRevision);
      if (r.ok) api.getState().markSaved(json, r.draft_revision);
      else api.getState().setConflict(r.conflict);
    } catch (e) {
      api.getState().markSaveError(errorMessage(e));
    }
  })();
  inFlight.set(api, request);
  await request;
  inFlight.delete(api);
  // Edits made while the request was in flight still need saving.
  const after = api.getState();
  if (after.saveStatus === "saved" && JSON.stringify(canvasToSpec(after.history.present)) !== after.savedSpecJson) {
    api.setState({ saveStatus: "dirty" });
  }
}
