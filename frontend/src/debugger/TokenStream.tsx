import { useState } from "react";
import { useDebugger } from "./DebuggerContext";

/** LLM tokens as they stream, all nodes together or one node at a time. */
export function TokenStream() {
  const tokens = useDebugger((s) => s.debug.tokens);
  const running = useDebugger((s) => s.debug.runStatus === "running");
  const [node, setNode] = useState("");
  const nodes = Object.keys(tokens.byNode);
  const text = node ? (tokens.byNode[node] ?? "") : tokens.text;
  return (
    <section className="token-stream" aria-label="Token stream">
      {nodes.length > 1 && (
        <label className="field inline">
          <span>Node</span>
          <select value={node} onChange={(e) => setNode(e.target.value)}>
            <option value="">All nodes</option>
            {nodes.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      )}
      {text ? (
        <div className="tokens" aria-live="polite">
          {text}
          {running && <span className="caret" aria-hidden="true" />}
        </div>
      ) : (
        <p className="empty-inline">No tokens yet. LLM nodes stream their output here as they write it.</p>
      )}
    </section>
  );
}
