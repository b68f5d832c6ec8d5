import type { SocketStatus } from "../api/socket";
import "./debugger.css";

const LOOK: Record<SocketStatus, { text: string; tone: string; title: string }> = {
  open: { text: "Live", tone: "is-live", title: "Connected: new steps appear as they happen" },
  connecting: { text: "Connecting…", tone: "is-connecting", title: "Connecting to the live event stream" },
  closed: { text: "Reconnecting…", tone: "is-connecting", title: "The connection dropped; reconnecting (nothing is lost)" },
  unavailable: { text: "Offline", tone: "is-offline", title: "No live updates: reload to see new steps" },
};

/** Whether the debugger receives live events, in words and colour (a status region). */
export function LiveStatus({ socket }: { socket: SocketStatus }) {
  const look = LOOK[socket];
  return (
    <span role="status" className={`live-status ${look.tone}`} title={look.title}>
      <span className="live-dot" aria-hidden="true" />
      {look.text}
    </span>
  );
}
