/** Debounced autosave of the draft with optimistic concurrency (409 → conflict dialog). */
import { useCallback, useEffect } from "react";
import { saveDraft } from "../../api/graphs";
import { errorMessage } from "../../api/http";
import { canvasToSpec, specMayDiffer } from "../../model/convert";
import type { EditorStoreApi } from "../store";

export const AUTOSAVE_DELAY_MS = 1200;

export interface Autosaver {
  saveNow: () => Promise<void>;
  /** Stop watching; flushes a pending save rather than dropping it. */
  dispose: () => void;
}

/** Watch the store and save the draft `delayMs` after the last edit. */
export function createAutosaver(api: EditorStoreApi, delayMs = AUTOSAVE_DELAY_MS): Autosaver {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;

  const save = async (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    while (inFlight) await inFlight;
    const s = api.getState();
    if (s.readOnly || s.conflict) return;
    const spec = canvasToSpec(s.history.present);
    const json = JSON.stringify(spec);
    if (json === s.savedSpecJson) {
      if (s.saveStatus === "dirty") api.setState({ saveStatus: "saved" });
      return;
    }
    s.markSaving();
    inFlight = (async () => {
      try {
        const r = await saveDraft(s.graphId, spec, s.draftRevision);
        if (r.ok) api.getState().markSaved(json, r.draft_revision);
        else api.getState().setConflict(r.conflict);
      } catch (e) {
        api.getState().markSaveError(errorMessage(e));
      }
    })();
    await inFlight;
    inFlight = null;
    // Edits made while the request was in flight still need saving.
    const after = api.getState();
    if (after.saveStatus === "saved" && JSON.stringify(canvasToSpec(after.history.present)) !== after.savedSpecJson) {
      api.setState({ saveStatus: "dirty" });
      schedule();
    }
  };

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void save(), delayMs);
  };

  const unsub = api.subscribe((s, prev) => {
    if (s.readOnly || s.conflict || s.dragging) return;
    // A drag is checked once, when it ends (the moves during it were skipped).
    const dragEnded = prev.dragging;
    // Selecting or measuring nodes changes the document but not the spec.
    const edited = dragEnded || specMayDiffer(prev.history.present, s.history.present);
    // keepMine() leaves the store dirty against their revision: save it.
    const resolved = s.saveStatus === "dirty" && prev.saveStatus === "conflict";
    if (!edited && !resolved) return;
    if (JSON.stringify(canvasToSpec(s.history.present)) !== s.savedSpecJson) {
      if (s.saveStatus === "saved" || s.saveStatus === "error") api.setState({ saveStatus: "dirty" });
      schedule();
    } else if (s.saveStatus === "dirty") api.setState({ saveStatus: "saved" });
  });

  return {
    saveNow: save,
    dispose: () => {
      unsub();
      if (timer) void save();
    },
  };
}

export function useAutosave(api: EditorStoreApi): { saveNow: () => Promise<void> } {
  useEffect(() => {
    const saver = createAutosaver(api);
    const beforeUnload = (e: BeforeUnloadEvent) => {
      const st = api.getState().saveStatus;
      if (st === "dirty" || st === "saving" || st === "conflict") e.preventDefault();
    };
    window.addEventListener("beforeunload", beforeUnload);
    savers.set(api, saver);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      saver.dispose();
      savers.delete(api);
    };
  }, [api]);
  const saveNow = useCallback(() => savers.get(api)?.saveNow() ?? Promise.resolve(), [api]);
  return { saveNow };
}

const savers = new WeakMap<EditorStoreApi, Autosaver>();
