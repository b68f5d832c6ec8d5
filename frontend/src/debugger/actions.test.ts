import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ActionReply, ClientAction, ThreadSocket } from "../api/socket";
import { createDebuggerStore } from "./store";

const startRun = vi.fn();
const updateState = vi.fn();
vi.mock("../api/threads", () => ({
  startRun: (...a: unknown[]) => startRun(...a),
  updateState: (...a: unknown[]) => updateState(...a),
  cancelRun: vi.fn(),
  getHistory: vi.fn(),
}));

const { forkWithState, rerunFrom, runFromAction } = await import("./actions");

/** A connected socket that acks everything and remembers what it was sent. */
function fakeSocket(connected = true): { socket: ThreadSocket; sent: ClientAction[] } {
  const sent: ClientAction[] = [];
  const socket = {
    connected,
    act: (a: ClientAction): Promise<ActionReply> => {
      sent.push(a);
      return Promise.resolve(connected ? { type: "ack", request_id: "r" } : { type: "error", request_id: "r", reason: "Not connected to the live event stream." });
    },
  } as unknown as ThreadSocket;
  return { socket, sent };
}

beforeEach(() => {
  startRun.mockReset().mockResolvedValue({ run_id: "run" });
  updateState.mockReset().mockResolvedValue({ checkpoint: { checkpoint_id: "cp-new" } });
});

describe("runFromAction", () => {
  it("is a plain fork without breakpoints", () => {
    expect(runFromAction("cp1", { interrupt_before: [], interrupt_after: [] })).toEqual({ action: "fork", checkpoint_id: "cp1" });
  });

  it("is a fork carrying the breakpoints when there are any", () => {
    expect(runFromAction("cp1", { interrupt_before: ["draft"], interrupt_after: ["review"] })).toEqual({
      action: "fork",
      checkpoint_id: "cp1",
      interrupt_before: ["draft"],
      interrupt_after: ["review"],
    });
  });
});

describe("re-run from here", () => {
  it("sends the canvas breakpoints over the socket", async () => {
    const api = createDebuggerStore("t1", { before: ["classify"], after: [] });
    api.getState().toggleBreakpoint("send", "after");
    const { socket, sent } = fakeSocket();
    expect(await rerunFrom(api, socket, "g1", "cp1")).toEqual({ ok: true });
    expect(sent).toEqual([{ action: "fork", checkpoint_id: "cp1", interrupt_before: ["classify"], interrupt_after: ["send"] }]);
    expect(startRun).not.toHaveBeenCalled();
  });

  it("sends the same breakpoints over HTTP when the socket is down", async () => {
    const api = createDebuggerStore("t1", { before: ["classify"], after: [] });
    const { socket } = fakeSocket(false);
    expect(await rerunFrom(api, socket, "g1", "cp1")).toEqual({ ok: true });
    expect(startRun).toHaveBeenCalledWith("t1", expect.objectContaining({ checkpoint_id: "cp1", input: null, interrupt_before: ["classify"], interrupt_after: [] }));
  });

  it("stays a fork (a rewind in the audit trail) with no breakpoints set", async () => {
    const api = createDebuggerStore("t1");
    const { socket, sent } = fakeSocket();
    await rerunFrom(api, socket, "g1", "cp1");
    expect(sent).toEqual([{ action: "fork", checkpoint_id: "cp1" }]);
  });
});

describe("continue and answer", () => {
  it("continue from a breakpoint sends the canvas breakpoints", async () => {
    const { continueFromBreakpoint } = await import("./actions");
    const api = createDebuggerStore("t1", { before: ["publish"], after: [] });
    const { socket, sent } = fakeSocket();
    expect(await continueFromBreakpoint(api, socket, "g1")).toEqual({ ok: true });
    expect(sent).toEqual([{ action: "resume", resume: null, interrupt_before: ["publish"], interrupt_after: [] }]);
  });

  it("an answer to an interrupt sends them too, so a later breakpoint still stops the run", async () => {
    const { resumeInterrupt } = await import("./actions");
    const api = createDebuggerStore("t1", { before: ["publish"], after: [] });
    const { socket, sent } = fakeSocket();
    await resumeInterrupt(api, socket, "g1", { decision: "approve" }, "i1");
    expect(sent).toEqual([{ action: "resume", resume: { decision: "approve" }, interrupt_id: "i1", interrupt_before: ["publish"], interrupt_after: [] }]);
  });
});

describe("save and continue from a checkpoint", () => {
  it("forks with the values over the socket when no breakpoint is set", async () => {
    const api = createDebuggerStore("t1");
    const { socket, sent } = fakeSocket();
    await forkWithState(api, socket, "g1", { a: 1 }, "cp1");
    expect(sent).toEqual([{ action: "fork", checkpoint_id: "cp1", values: { a: 1 } }]);
    expect(updateState).not.toHaveBeenCalled();
  });

  it("forks with the values and the breakpoints in one socket action", async () => {
    const api = createDebuggerStore("t1", { before: [], after: ["draft"] });
    const { socket, sent } = fakeSocket();
    expect(await forkWithState(api, socket, "g1", { a: 1 }, "cp1")).toEqual({ ok: true });
    expect(updateState).not.toHaveBeenCalled();
    expect(sent).toEqual([{ action: "fork", checkpoint_id: "cp1", values: { a: 1 }, interrupt_before: [], interrupt_after: ["draft"] }]);
  });

  it("writes the state, then runs from the new checkpoint with the breakpoints over HTTP when the socket is down", async () => {
    const api = createDebuggerStore("t1", { before: [], after: ["draft"] });
    const { socket } = fakeSocket(false);
    expect(await forkWithState(api, socket, "g1", { a: 1 }, "cp1")).toEqual({ ok: true });
    expect(updateState).toHaveBeenCalledWith("t1", { a: 1 }, { checkpointId: "cp1" });
    expect(startRun).toHaveBeenCalledWith("t1", expect.objectContaining({ checkpoint_id: "cp-new", interrupt_before: [], interrupt_after: ["draft"] }));
  });

  it("reports a refused run after the state was written", async () => {
    const api = createDebuggerStore("t1", { before: ["x"], after: [] });
    const socket = { connected: true, act: () => Promise.resolve({ type: "error", request_id: "r", reason: "Busy." }) } as unknown as ThreadSocket;
    expect(await forkWithState(api, socket, "g1", { a: 1 }, "cp1")).toEqual({ ok: false, error: "Busy." });
  });

  it("passes on the member a socket refusal names", async () => {
    const api = createDebuggerStore("t1");
    const reason = "'/values/category' must be a string or null";
    const socket = { connected: true, act: () => Promise.resolve({ type: "error", request_id: "r", reason, field: "/values/category" }) } as unknown as ThreadSocket;
    expect(await forkWithState(api, socket, "g1", { category: 12 }, "cp1")).toEqual({ ok: false, error: reason, fields: [{ path: "/values/category", message: reason }] });
  });
});

describe("fieldProblems", () => {
  it("reads the JSON pointers of the API's 400", async () => {
    const { fieldProblems } = await import("./actions");
    const { ApiError } = await import("../api/http");
    const e = new ApiError(400, "/api/threads/t/state", {
      error: { code: "invalid", message: "Invalid input.", fields: [{ path: "/values/category", message: "12 is not of type 'string'" }] },
    });
    expect(fieldProblems(e)).toEqual([{ path: "/values/category", message: "12 is not of type 'string'" }]);
    expect(fieldProblems(new Error("x"))).toEqual([]);
    expect(fieldProblems(new ApiError(400, "/u", "plain text"))).toEqual([]);
  });
});
