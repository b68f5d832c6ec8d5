import { useId, useState } from "react";
import { copyText } from "../../ui/download";

/** The curl command that shows a key works; the key comes from an environment variable so
 * that the example can be copied, pasted into a terminal or shared without the secret. */
export function curlExample(origin: string): string {
  return `curl -H "X-Api-Key: $SWITCHYARD_API_KEY" ${origin}/api/me/`;
}

/** How to send a key: the `X-Api-Key` header (the only one the server reads), with a copyable example. */
export function ApiKeyUsage({ origin = window.location.origin }: { origin?: string }) {
  const id = useId();
  const command = curlExample(origin);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  return (
    <div className="api-key-usage">
      <p className="muted">
        A key acts as you from scripts and the LangGraph SDK. Send it in the <code>X-Api-Key</code> header (
        <code>Authorization: Bearer</code> is not accepted); the SDK does this with <code>get_client(url=…, api_key=…)</code>.
        Limit a key to one workspace when you can.
      </p>
      <div className="btn-group">
        <figure className="api-key-example-figure" aria-label="Example request with an API key">
          <pre id={id} className="mono api-key-example">
            {command}
          </pre>
        </figure>
        <button
          type="button"
          className="btn btn-sm"
          aria-describedby={id}
          onClick={async () => setCopied((await copyText(command)) ? "yes" : "no")}
        >
          Copy curl example
        </button>
      </div>
      <span className="muted" aria-live="polite">
        {copied === "yes" ? "Copied." : copied === "no" ? "Could not copy automatically: select the command and press Ctrl+C (⌘C)." : ""}
      </span>
    </div>
  );
}
