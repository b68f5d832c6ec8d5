/** Editor messages as toasts over the canvas: they never push the editor down. */
import { useEffect } from "react";
import type { BannerTone } from "../ui/Banner";
import "./editor-ui.css";

export interface ToastMessage {
  tone: BannerTone;
  text: string;
  /** Tells two equal messages apart, so the second restarts the timer. */
  nonce: number;
}

const AUTO_DISMISS_MS = 8000;

function Toast({ message, onDismiss }: { message: ToastMessage; onDismiss: () => void }) {
  useEffect(() => {
    if (message.tone === "error") return;
    const t = setTimeout(onDismiss, AUTO_DISMISS_MS);
    return () => clearTimeout(t);
  }, [message.nonce, message.tone, onDismiss]);
  return (
    <div className={`toast toast-${message.tone}`} role={message.tone === "error" ? "alert" : "status"}>
      <span className="toast-text">{message.text}</span>
      <button type="button" className="toast-close" aria-label="Dismiss message" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

export function Toasts({ items }: { items: { message: ToastMessage; onDismiss: () => void }[] }) {
  return (
    <div className="toasts" aria-live="polite">
      {items.map((t) => (
        <Toast key={`${t.message.tone}-${t.message.nonce}`} message={t.message} onDismiss={t.onDismiss} />
      ))}
    </div>
  );
}
