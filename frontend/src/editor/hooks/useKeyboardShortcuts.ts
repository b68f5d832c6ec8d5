/** Editor shortcuts; ignored while typing in a field. */
import { useEffect } from "react";
import type { EditorStoreApi } from "../store";

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
}

export interface ShortcutExtras {
  save: () => void;
  fitView: () => void;
}

export const SHORTCUTS: [string, string][] = [
  ["Ctrl/⌘ Z", "Undo"],
  ["Ctrl/⌘ Shift Z, Ctrl Y", "Redo"],
  ["Ctrl/⌘ C / X / V", "Copy, cut, paste nodes (also between tabs)"],
  ["Ctrl/⌘ A", "Select everything"],
  ["Delete, Backspace", "Delete the selection"],
  ["Ctrl/⌘ S", "Save the draft now"],
  ["Shift 1", "Fit the graph in view"],
];

export function useKeyboardShortcuts(api: EditorStoreApi, extras: ShortcutExtras): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || document.querySelector("dialog[open]")) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const s = api.getState();
      let handled = true;
      if (mod && key === "z" && !e.shiftKey) s.undo();
      else if (mod && ((key === "z" && e.shiftKey) || key === "y")) s.redo();
      // Copy, cut and paste are the browser's clipboard events (hooks/useClipboard.ts).
      else if (mod && key === "a") s.selectAll();
      else if (mod && key === "s") extras.save();
      else if (!mod && e.shiftKey && (e.key === "!" || e.code === "Digit1")) extras.fitView();
      else if (!mod && (e.key === "Delete" || e.key === "Backspace")) s.deleteSelection();
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [api, extras]);
}
