import { useId, useRef, useState } from "react";
import { copyText } from "./download";

/** A secret (a link or key) the server shows once: a read-only field with a copy button. */
export function SecretOnce({ label, value, note }: { label: string; value: string; note: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  return (
    <div className="secret-once" role="status">
      <label htmlFor={id}>
        <strong>{label}</strong>
      </label>
      <p className="muted">{note}</p>
      <div className="btn-group">
        <input id={id} ref={input} readOnly value={value} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          className="btn btn-sm"
          onClick={async () => {
            const ok = await copyText(value);
            if (!ok) input.current?.select();
            setCopied(ok ? "yes" : "no");
          }}
        >
          Copy {label.toLowerCase()}
        </button>
      </div>
      {copied === "yes" && <span className="muted">Copied.</span>}
      {copied === "no" && <span className="muted">Could not copy automatically: it is selected, press Ctrl+C (⌘C).</span>}
    </div>
  );
}
