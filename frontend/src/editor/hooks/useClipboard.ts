/**
 * Copy, cut and paste of nodes through the system clipboard, so nodes move between tabs,
 * windows and graphs: the browser's copy/cut/paste events carry a JSON payload with a
 * type marker (model/clipboard.ts). localStorage keeps the last copy too, for a paste
 * whose event brings no text. Pasted text is validated before anything is added.
 */
import { useEffect } from "react";
import { useReactFlow } from "@xyflow/react";
import { decodeClipboard, encodeClipboard } from "../../model/clipboard";
import { copySelection, type Clipboard } from "../../model/canvasOps";
import type { Position } from "../../model/graphspec";
import type { BannerTone } from "../../ui/Banner";
import { selectedIds, type EditorStoreApi } from "../store";
import { isTyping } from "./useKeyboardShortcuts";

export const CLIPBOARD_STORAGE_KEY = "switchyard.clipboard";

function storedCopy(): string | null {
  try {
    return window.localStorage.getItem(CLIPBOARD_STORAGE_KEY);
  } catch {
    return null; // storage disabled
  }
}

function storeCopy(text: string): void {
  try {
    window.localStorage.setItem(CLIPBOARD_STORAGE_KEY, text);
  } catch {
    /* full or disabled: the system clipboard still has it */
  }
}

/** Whether a clipboard event is for the canvas (not a field, a dialog or selected page text). */
function forCanvas(e: ClipboardEvent): boolean {
  if (isTyping(e.target) || document.querySelector("dialog[open]")) return false;
  const sel = window.getSelection();
  return !sel || sel.isCollapsed;
}

/** Where nodes from elsewhere go: their box centred on the middle of the visible canvas. */
function centreOffset(clip: Clipboard, centre: Position): Position {
  const xs = clip.nodes.map((n) => n.position.x);
  const ys = clip.nodes.map((n) => n.position.y);
  const mid = { x: (Math.min(...xs) + Math.max(...xs)) / 2, y: (Math.min(...ys) + Math.max(...ys)) / 2 };
  return { x: Math.round(centre.x - mid.x), y: Math.round(centre.y - mid.y) };
}

export function useClipboard(api: EditorStoreApi, notify: (tone: BannerTone, text: string) => void): void {
  const { screenToFlowPosition } = useReactFlow();
  useEffect(() => {
    const visibleCentre = (): Position => {
      const r = document.querySelector(".canvas")?.getBoundingClientRect();
      return r ? screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 }) : { x: 0, y: 0 };
    };
    // The text this tab last wrote or pasted: pasting it again offsets from the last copies.
    let lastText: string | null = null;

    const onCopy = (e: ClipboardEvent) => {
      if (!forCanvas(e)) return;
      const s = api.getState();
      const doc = s.history.present;
      const clip = copySelection(doc, selectedIds(doc).nodes);
      if (!clip) return; // nothing selected: leave the event to the browser
      const text = encodeClipboard(clip);
      e.clipboardData?.setData("text/plain", text);
      e.preventDefault();
      storeCopy(text);
      lastText = text;
      s.copy();
      if (e.type === "cut") s.deleteSelection();
    };

    const onPaste = (e: ClipboardEvent) => {
      if (!forCanvas(e)) return;
      e.preventDefault();
      const s = api.getState();
      const fromEvent = e.clipboardData?.getData("text/plain") ?? "";
      const text = fromEvent || storedCopy() || "";
      if (!text) {
        if (s.clipboard) s.paste();
        else notify("info", "Nothing to paste: select nodes and copy them first.");
        return;
      }
      if (s.readOnly) {
        notify("info", "This graph is read-only; paste the nodes into a graph you can edit.");
        return;
      }
      if (text === lastText && s.clipboard) {
        s.paste();
        return;
      }
      const decoded = decodeClipboard(text);
      if (!decoded.ok) {
        notify("error", decoded.error);
        return;
      }
      lastText = text;
      s.paste(decoded.clip, centreOffset(decoded.clip, visibleCentre()));
    };

    document.addEventListener("copy", onCopy);
    document.addEventListener("cut", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("cut", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [api, notify, screenToFlowPosition]);
}
