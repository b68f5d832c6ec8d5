/**
 * Hands the debugger store the events that arrived since the last paint in one call.
 * The server already sends bursts as `batch` frames, but the replay after a (re)connect
 * and a fast run's task and checkpoint events come one frame each; applying each with
 * its own store update would re-render the canvas and panels per event.
 */
import type { ThreadEvent } from "../model/events";

/** Run `cb` soon; returns a cancel function. */
export type Schedule = (cb: () => void) => () => void;

/** Next animation frame, or 50 ms when frames are not painted (a background tab). */
export const nextFrame: Schedule = (cb) => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    if (raf !== null) cancelAnimationFrame(raf);
    clearTimeout(timer);
    cb();
  };
  const raf = typeof requestAnimationFrame === "function" ? requestAnimationFrame(once) : null;
  const timer = setTimeout(once, 50);
  return () => {
    done = true;
    if (raf !== null) cancelAnimationFrame(raf);
    clearTimeout(timer);
  };
};

export interface EventBatcher {
  push: (events: readonly ThreadEvent[]) => void;
  /** Hand over what is waiting now (before a reconnect, on close). */
  flush: () => void;
  cancel: () => void;
}

export function createEventBatcher(deliver: (events: ThreadEvent[]) => void, schedule: Schedule = nextFrame): EventBatcher {
  let waiting: ThreadEvent[] = [];
  let cancelScheduled: (() => void) | null = null;
  const flush = () => {
    cancelScheduled?.();
    cancelScheduled = null;
    if (waiting.length === 0) return;
    const events = waiting;
    waiting = [];
    deliver(events);
  };
  return {
    push: (events) => {
      if (events.length === 0) return;
      waiting.push(...events);
      cancelScheduled ??= schedule(flush);
    },
    flush,
    cancel: () => {
      cancelScheduled?.();
      cancelScheduled = null;
      waiting = [];
    },
  };
}
