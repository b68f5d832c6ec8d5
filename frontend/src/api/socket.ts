/** Reconnecting WebSocket clients for /ws/threads/{id}/ and /ws/inbox/. */
import { newRequestId } from "../model/ids";
import type { InboxItem } from "./types";
import type { ThreadEvent } from "../model/events";

export type SocketStatus = "connecting" | "open" | "closed" | "unavailable";

export function wsUrl(path: string): string {
  const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${window.location.host}${path}`;
}

/** Breakpoints for the run an action starts (`resume` keeps the paused run's without them). */
interface RunBreakpoints {
  interrupt_before?: string[];
  interrupt_after?: string[];
}

export type ClientAction =
  | ({ action: "resume"; resume: unknown; interrupt_id?: string } & RunBreakpoints)
  | ({ action: "update_state"; values: Record<string, unknown>; checkpoint_id?: string; as_node?: string } & RunBreakpoints)
  | ({ action: "fork"; checkpoint_id: string; values?: Record<string, unknown>; as_node?: string } & RunBreakpoints)
  | { action: "cancel"; run_id?: string; cancel_action?: "interrupt" | "rollback" }
  | {
      action: "start_run";
      input?: Record<string, unknown> | null;
      checkpoint_id?: string;
      /** Run the graph's unpublished draft (a test run from the editor). */
      draft?: boolean;
      /** Start over although a review is pending (which the new run drops). */
      drop_review?: boolean;
      interrupt_before?: string[];
      interrupt_after?: string[];
    };

export interface ActionReply {
  type: "ack" | "error";
  request_id: string;
  reason?: string;
  /** JSON pointer of the member at fault, when the server names one (e.g. `/values/category`). */
  field?: string;
}

interface Handlers<M> {
  onMessage: (msg: M) => void;
  onStatus?: (s: SocketStatus) => void;
}

/**
 * Keeps one socket open with capped exponential back-off. After five failed
 * attempts in a row without ever opening it reports "unavailable" and stops, so
 * a backend without websockets yields a banner, not a reconnect storm.
 */
class ReconnectingSocket<M> {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private everOpened = false;
  private closedByUser = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: () => string,
    private readonly handlers: Handlers<M>,
  ) {
    this.connect();
  }

  private connect(): void {
    this.handlers.onStatus?.("connecting");
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.handlers.onStatus?.("unavailable");
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.everOpened = true;
      this.handlers.onStatus?.("open");
    };
    ws.onmessage = (ev) => {
      try {
        this.handlers.onMessage(JSON.parse(String(ev.data)) as M);
      } catch {
        /* ignore frames that are not JSON */
      }
    };
    ws.onclose = () => {
      this.ws = null;
      if (this.closedByUser) return;
      this.attempts += 1;
      if (!this.everOpened && this.attempts >= 5) {
        this.handlers.onStatus?.("unavailable");
        return;
      }
      this.handlers.onStatus?.("closed");
      const delay = Math.min(15000, 500 * 2 ** Math.min(this.attempts, 5));
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  get isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  send(payload: unknown): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(payload));
    return true;
  }

  /** Drop the current socket and open a new one now (used to re-request a gap). */
  reconnect(): void {
    this.attempts = 0;
    if (this.timer) clearTimeout(this.timer);
    const old = this.ws;
    this.ws = null;
    if (old) {
      old.onclose = null;
      old.close();
    }
    this.connect();
  }

  close(): void {
    this.closedByUser = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }
}

export type ThreadSocketMessage =
  | ThreadEvent
  | ActionReply
  | { type: "batch"; events: ThreadEvent[] }
  | { type: "presence"; thread_id?: string; viewers: string[] }
  | { type: "pong"; request_id?: string };

export interface ThreadSocketHandlers {
  onEvent: (e: ThreadEvent) => void;
  /** A `batch` frame's events, in one call (without it, `onEvent` gets each). */
  onEvents?: (events: ThreadEvent[]) => void;
  onStatus: (s: SocketStatus) => void;
  onPresence?: (viewers: string[]) => void;
}

/** Live events of one thread; resumes after the last sequence number it was given. */
export class ThreadSocket {
  private socket: ReconnectingSocket<ThreadSocketMessage>;
  private pending = new Map<string, { resolve: (r: ActionReply) => void; timer: ReturnType<typeof setTimeout> }>();

  /** Resumes after `lastSeq()`; token chunks arrive batched (`?batch=1`). */
  constructor(threadId: string, lastSeq: () => number, handlers: ThreadSocketHandlers) {
    this.socket = new ReconnectingSocket<ThreadSocketMessage>(
      () => wsUrl(`/ws/threads/${encodeURIComponent(threadId)}/?after_seq=${lastSeq()}&batch=1`),
      {
        onStatus: handlers.onStatus,
        onMessage: (msg) => {
          switch (msg.type) {
            case "ack":
            case "error": {
              const reply = msg as ActionReply;
              const p = this.pending.get(reply.request_id);
              if (p) {
                clearTimeout(p.timer);
                this.pending.delete(reply.request_id);
                p.resolve(reply);
              }
              return;
            }
            case "batch": {
              const events = (msg as { events?: unknown }).events;
              if (!Array.isArray(events)) return;
              if (handlers.onEvents) handlers.onEvents(events as ThreadEvent[]);
              else for (const e of events as ThreadEvent[]) handlers.onEvent(e);
              return;
            }
            case "presence":
              handlers.onPresence?.((msg as { viewers: string[] }).viewers ?? []);
              return;
            case "pong":
              return;
            default:
              handlers.onEvent(msg as ThreadEvent);
          }
        },
      },
    );
  }

  get connected(): boolean {
    return this.socket.isOpen;
  }

  /** Send a reviewer action; resolves with the server's ack or error (or a local error). */
  act(action: ClientAction, timeoutMs = 10000): Promise<ActionReply> {
    const request_id = newRequestId();
    return new Promise((resolve) => {
      if (!this.socket.send({ ...action, request_id })) {
        resolve({ type: "error", request_id, reason: "Not connected to the live event stream." });
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(request_id);
        resolve({ type: "error", request_id, reason: "The server did not answer in time." });
      }, timeoutMs);
      this.pending.set(request_id, { resolve, timer });
    });
  }

  reconnect(): void {
    this.socket.reconnect();
  }

  close(): void {
    this.socket.close();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}

/** Runs waiting for the user's review. */
export function openInboxSocket(onItems: (items: InboxItem[]) => void, onStatus: (s: SocketStatus) => void): () => void {
  const s = new ReconnectingSocket<{ type: string; items?: InboxItem[] }>(() => wsUrl("/ws/inbox/"), {
    onStatus,
    onMessage: (m) => {
      if (m.type === "inbox" && Array.isArray(m.items)) onItems(m.items);
    },
  });
  return () => s.close();
}
