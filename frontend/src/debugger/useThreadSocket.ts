/** Keep the thread's live event stream flowing into the debugger store, filling gaps. */
import { useEffect, useRef } from "react";
import { ThreadSocket } from "../api/socket";
import type { ThreadEvent } from "../model/events";
import { createEventBatcher } from "./eventBatcher";
import type { DebuggerStoreApi } from "./store";

const GAP_WAIT_MS = 2000;

export function useThreadSocket(api: DebuggerStoreApi): React.RefObject<ThreadSocket | null> {
  const ref = useRef<ThreadSocket | null>(null);
  useEffect(() => {
    const threadId = api.getState().threadId;
    let gapTimer: ReturnType<typeof setTimeout> | null = null;
    let retried = false;
    const receive = (events: ThreadEvent[]) => {
      api.getState().receiveMany(events);
      const pending = api.getState().debug.pending.length;
      if (pending && !gapTimer) {
        // Ask the server again for what we missed; if that does not help, move on.
        gapTimer = setTimeout(() => {
          gapTimer = null;
          if (!api.getState().debug.pending.length) return;
          if (!retried) {
            retried = true;
            sock.reconnect();
          } else api.getState().flush();
        }, GAP_WAIT_MS);
      } else if (!pending) retried = false;
    };
    // One store update per painted frame, however many frames the socket got meanwhile.
    const batcher = createEventBatcher(receive);
    const sock = new ThreadSocket(threadId, () => {
      batcher.flush(); // resume after what has arrived, applied
      return api.getState().debug.lastSeq;
    }, {
      onPresence: (viewers) => api.getState().setPresence(viewers),
      onStatus: (s) => api.getState().setSocket(s),
      onEvent: (e) => batcher.push([e]),
      onEvents: (events) => batcher.push(events),
    });
    ref.current = sock;
    return () => {
      if (gapTimer) clearTimeout(gapTimer);
      batcher.cancel();
      sock.close();
      ref.current = null;
    };
  }, [api]);
  return ref;
}
