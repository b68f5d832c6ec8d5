import { useEffect, useId, useState } from "react";

/** A JSON text area that only reports values that parse; shows the parse error inline. */
export function JsonField({
  label,
  value,
  onChange,
  disabled,
  rows = 8,
}: {
  label: string;
  value: unknown;
  onChange: (v: unknown) => void;
  disabled?: boolean;
  rows?: number;
}) {
  const id = useId();
  const [text, setText] = useState(() => JSON.stringify(value, null, 2) ?? "");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // Follow outside changes (undo, another node) unless the text already means the same.
    setText((t) => {
      try {
        if (JSON.stringify(JSON.parse(t)) === JSON.stringify(value)) return t;
      } catch {
        /* fall through */
      }
      return JSON.stringify(value, null, 2) ?? "";
    });
  }, [value]);
  return (
    <div className="field">
      <label htmlFor={id}>
        <span>{label}</span>
      </label>
      <textarea
        id={id}
        rows={rows}
        value={text}
        disabled={disabled}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const v = e.target.value.trim() === "" ? null : JSON.parse(e.target.value);
            setError(null);
            onChange(v);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error && (
        <p className="field-error" id={`${id}-err`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
