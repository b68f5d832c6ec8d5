/** A compact, collapsible view of JSON values; changed top-level keys are marked. */
export function JsonTree({ value, changed, name }: { value: unknown; changed?: ReadonlySet<string>; name?: string }) {
  if (value === null || typeof value !== "object") return <Scalar value={value} />;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return <span className="json-scalar">{Array.isArray(value) ? "[]" : "{}"}</span>;
  return (
    <ul className="json-tree" aria-label={name}>
      {entries.map(([k, v]) => {
        const mark = changed?.has(k) ? " is-changed" : "";
        const nested = v !== null && typeof v === "object" && Object.keys(v).length > 0;
        return (
          <li key={k} className={`json-row${mark}`}>
            {nested ? (
              <details open={Object.keys(v as object).length <= 6}>
                <summary>
                  <span className="json-key">{k}</span>
                  <span className="muted">{Array.isArray(v) ? ` [${(v as unknown[]).length}]` : ` {${Object.keys(v as object).length}}`}</span>
                </summary>
                <JsonTree value={v} />
              </details>
            ) : (
              <>
                <span className="json-key">{k}</span>: <JsonTree value={v} />
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function Scalar({ value }: { value: unknown }) {
  const kind = value === null ? "null" : typeof value;
  return <span className={`json-scalar json-${kind}`}>{value === undefined ? "undefined" : JSON.stringify(value)}</span>;
}
