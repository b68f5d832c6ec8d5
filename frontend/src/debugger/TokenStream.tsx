import { useState } from "react";
import { modelLabel } from "../model/tokens";
import { useDebugger } from "./DebuggerContext";
import { useNodeLabel } from "./labels";
import "./debugger.css";

/** LLM tokens as they stream, one block per message under its node and model, all nodes or one. */
export function TokenStream() {
  const messages = useDebugger((s) => s.debug.tokens.messages);
  const running = useDebugger((s) => s.debug.runStatus === "running");
  const label = useNodeLabel();
  const configured = useDebugger((s) => s.nodeModels);
  const [node, setNode] = useState("");
  const nodes = [...new Set(messages.map((m) => m.node ?? ""))];
  const shown = node ? messages.filter((m) => (m.node ?? "") === node) : messages;
  return (
    <section className="token-stream" aria-label="Token stream">
      {nodes.length > 1 && (
        <label className="field inline">
          <span>Node</span>
          <select value={node} onChange={(e) => setNode(e.target.value)}>
            <option value="">All nodes</option>
            {nodes.map((n) => (
              <option key={n} value={n}>
                {n ? label(n) : "Unknown node"}
              </option>
            ))}
          </select>
        </label>
      )}
      {shown.length ? (
        <ol className="token-messages" aria-live="polite">
          {shown.map((m, i) => {
            const who = m.node ? label(m.node) : "Unknown node";
            // The events' own metadata first; else what the node is configured with.
            const fromSpec = m.node ? configured[m.node] : undefined;
            const model = m.provider || m.model ? modelLabel(m.provider, m.model) : modelLabel(fromSpec?.provider, fromSpec?.model);
            return (
              <li key={m.id} className="token-message">
                <article aria-label={`${who}${model ? `, ${model.text}` : ""}`}>
                  <header className="token-message-head">
                    <strong>{who}</strong>
                    {model && (
                      <span className={model.fake ? "badge badge-fake" : "muted"} title={model.title}>
                        {model.text}
                      </span>
                    )}
                  </header>
                  <div className="tokens">
                    {m.text}
                    {running && i === shown.length - 1 && <span className="caret" aria-hidden="true" />}
                  </div>
                </article>
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="empty-inline">No tokens yet. LLM nodes stream their output here as they write it.</p>
      )}
    </section>
  );
}
