import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ThreadSocket, type SocketStatus } from "./socket";
import type { ThreadEvent } from "../model/events";

class FakeWebSocket {
  static OPEN = 1;
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(public url: string) {
    FakeWebSocket.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
}

const ev = (seq: number): ThreadEvent => ({ type: "values", seq, thread_id: "t", run_id: null, ts: "", data: {} });

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  vi.stubGlobal("window", { location: { protocol: "https:", host: "app.test" } });
});
afterEach(() => vi.unstubAllGlobals());

describe("ThreadSocket", () => {
  it("resumes after the last seq, unpacks batches, reports presence and matches replies", async () => {
    const events: number[] = [];
    const statuses: SocketStatus[] = [];
    const viewers: string[][] = [];
    let last = 7;
    const sock = new ThreadSocket("t 1", () => last, {
      onEvent: (e) => events.push(e.seq),
      onStatus: (s) => statuses.push(s),
      onPresence: (v) => viewers.push(v),
    });
    const ws = FakeWebSocket.instances[0]!;
    expect(ws.url).toBe("wss://app.test/ws/threads/t%201/?after_seq=7&batch=1");
    ws.open();
    expect(sock.connected).toBe(true);
    ws.receive(ev(8));
    ws.receive({ type: "batch", events: [ev(9), ev(10)] });
    ws.receive({ type: "presence", viewers: ["demo", "alice"] });
    ws.receive({ type: "pong" });
    expect(events).toEqual([8, 9, 10]);
    expect(viewers).toEqual([["demo", "alice"]]);
    expect(statuses).toEqual(["connecting", "open"]);

    const reply = sock.act({ action: "resume", resume: { decision: "approve" }, interrupt_id: "i1" });
    const sent = JSON.parse(ws.sent[0]!);
    expect(sent).toMatchObject({ action: "resume", resume: { decision: "approve" }, interrupt_id: "i1" });
    ws.receive({ type: "ack", request_id: sent.request_id, run_id: "r2" });
    expect(await reply).toMatchObject({ type: "ack" });

    // Reconnects resume from wherever the reducer got to.
    last = 10;
    sock.reconnect();
    expect(FakeWebSocket.instances[1]!.url).toContain("after_seq=10");
    sock.close();
  });

  it("answers actions locally while disconnected", async () => {
    const sock = new ThreadSocket("t", () => 0, { onEvent: () => undefined, onStatus: () => undefined });
    expect(await sock.act({ action: "cancel" })).toMatchObject({ type: "error", reason: "Not connected to the live event stream." });
    sock.close();
  });

  it("hands a batch frame's events over in one call when asked to", () => {
    const single: number[] = [];
    const batches: number[][] = [];
    const sock = new ThreadSocket("t", () => 0, {
      onEvent: (e) => single.push(e.seq),
      onEvents: (es) => batches.push(es.map((e) => e.seq)),
      onStatus: () => undefined,
    });
    const ws = FakeWebSocket.instances[0]!;
    ws.open();
    ws.receive(ev(1));
    ws.receive({ type: "batch", events: [ev(2), ev(3), ev(4)] });
    ws.receive({ type: "batch", events: "not a list" });
    expect(single).toEqual([1]);
    expect(batches).toEqual([[2, 3, 4]]);
    sock.close();
  });
});
