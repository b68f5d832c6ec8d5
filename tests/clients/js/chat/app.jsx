// A small chat page on React's useStream (@langchain/langgraph-sdk/react), served from
// another origin than the API: tests/clients/test_use_stream.py drives it in Chromium.
// The query string names the API (?api=...&key=...) and, once known, the thread.
import { useStream } from "@langchain/langgraph-sdk/react";
import { useState } from "react";
import { createRoot } from "react-dom/client";

const params = new URLSearchParams(window.location.search);

function text(message) {
  if (typeof message.content === "string") return message.content;
  return (message.content ?? []).map((part) => part.text ?? "").join("");
}

function Branches({ meta, stream }) {
  const options = meta?.branchOptions;
  if (!options || options.length < 2) return null;
  const at = options.indexOf(meta.branch);
  return (
    <nav className="branches">
      <button type="button" disabled={at <= 0} onClick={() => stream.setBranch(options[at - 1])}>
        Previous
      </button>
      <span className="branch">
        {at + 1}/{options.length}
      </span>
      <button
        type="button"
        disabled={at >= options.length - 1}
        onClick={() => stream.setBranch(options[at + 1])}
      >
        Next
      </button>
    </nav>
  );
}

function Message({ message, index, stream }) {
  const meta = stream.getMessagesMetadata(message, index);
  const edit = () => {
    const content = window.prompt("Edit message", text(message));
    if (!content) return;
    stream.submit(
      { messages: [{ type: "human", content }] },
      { checkpoint: meta?.firstSeenState?.parent_checkpoint },
    );
  };
  return (
    <li className="message" data-type={message.type}>
      <span className="content">{text(message)}</span>
      {(message.tool_calls ?? []).map((call) => (
        <code className="tool-call" key={call.id}>
          {call.name}({JSON.stringify(call.args)})
        </code>
      ))}
      {message.type === "human" && (
        <button type="button" className="edit" onClick={edit}>
          Edit
        </button>
      )}
      <Branches meta={meta} stream={stream} />
    </li>
  );
}

function Chat() {
  const [threadId, setThreadId] = useState(params.get("thread"));
  const stream = useStream({
    apiUrl: params.get("api"),
    apiKey: params.get("key"),
    assistantId: "chat",
    messagesKey: "messages",
    threadId,
    fetchStateHistory: true,
    reconnectOnMount: true,
    onThreadId: (id) => {
      setThreadId(id);
      params.set("thread", id);
      window.history.replaceState(null, "", `?${params}`);
    },
  });
  const send = (event) => {
    event.preventDefault();
    const input = event.currentTarget.elements.text;
    stream.submit({ messages: [{ type: "human", content: input.value }] });
    input.value = "";
  };
  const interrupt = stream.interrupt;
  return (
    <main>
      <ol id="messages">
        {stream.messages.map((message, index) => (
          <Message key={message.id ?? index} message={message} index={index} stream={stream} />
        ))}
      </ol>
      {interrupt?.value && (
        <div id="interrupt">
          <span>{interrupt.value.question}</span>
          <button type="button" onClick={() => stream.submit(undefined, { command: { resume: "yes" } })}>
            Approve
          </button>
        </div>
      )}
      <p id="status">{stream.isLoading ? "streaming" : "idle"}</p>
      <p id="history">{stream.history?.length ?? 0} checkpoints</p>
      {stream.error && <pre id="error">{String(stream.error?.message ?? stream.error)}</pre>}
      <form onSubmit={send}>
        <input name="text" aria-label="Message" />
        <button type="submit">Send</button>
      </form>
    </main>
  );
}

createRoot(document.getElementById("root")).render(<Chat />);
