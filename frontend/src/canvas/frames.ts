/**
 * The node views' sizes and handle boxes, fixed by styles.css (`.flow-node`,
 * `.flow-terminal`, `.react-flow__handle`). Given to React Flow as each node's initial
 * `measured` size and `handles`, they let it draw edges and fit the view in its first
 * render: without them it renders every node hidden, measures all of them (a forced
 * layout), then renders everything again. A node whose content grows past the minimum
 * height (a wrapped status line) is measured as usual and the numbers here are replaced.
 */
import { Position, type NodeHandle } from "@xyflow/react";
import type { CanvasNode } from "../model/canvas";

export const STEP_NODE_SIZE = { width: 200, height: 52 } as const;
export const TERMINAL_SIZE = { width: 72, height: 36 } as const;
const HANDLE = 10;

/** The minimap's size: small enough at 1280x800 not to cover the graph's last column. */
export const MINIMAP_STYLE = { width: 160, height: 100 } as const;

// A step node's handles sit on its padding box (the node is position: relative, with a
// 4px left border and 1px elsewhere); a terminal's on its wrapper (it is not positioned).
const STEP_TARGET: NodeHandle = { type: "target", position: Position.Left, x: 4 - HANDLE / 2, y: 1 + (STEP_NODE_SIZE.height - 2) / 2 - HANDLE / 2, width: HANDLE, height: HANDLE };
const STEP_SOURCE: NodeHandle = { type: "source", position: Position.Right, x: STEP_NODE_SIZE.width - 1 - HANDLE / 2, y: STEP_TARGET.y, width: HANDLE, height: HANDLE };
const END_TARGET: NodeHandle = { type: "target", position: Position.Left, x: -HANDLE / 2, y: TERMINAL_SIZE.height / 2 - HANDLE / 2, width: HANDLE, height: HANDLE };
const START_SOURCE: NodeHandle = { type: "source", position: Position.Right, x: TERMINAL_SIZE.width - HANDLE / 2, y: END_TARGET.y, width: HANDLE, height: HANDLE };

const FRAMES = {
  step: { measured: STEP_NODE_SIZE, handles: [STEP_TARGET, STEP_SOURCE] },
  start: { measured: TERMINAL_SIZE, handles: [START_SOURCE] },
  end: { measured: TERMINAL_SIZE, handles: [END_TARGET] },
} as const;

/** The node with its expected size and handles, unless React Flow has measured it already. */
export function withFrame<N extends CanvasNode>(node: N): N {
  if (node.measured?.width !== undefined || node.handles) return node;
  const f = FRAMES[node.type as keyof typeof FRAMES];
  if (!f) return node;
  return { ...node, measured: { ...f.measured }, handles: f.handles.map((h) => ({ ...h })) };
}

/** `withFrame` for every node (the same array when none needed one). */
export function withFrames<N extends CanvasNode>(nodes: N[]): N[] {
  let changed = false;
  const out = nodes.map((n) => {
    const f = withFrame(n);
    changed ||= f !== n;
    return f;
  });
  return changed ? out : nodes;
}

/**
 * After React Flow measured new sizes for `ids`, their preset handles are stale: drop them
 * so it keeps the handle boxes it measured.
 */
export function forgetPresetHandles<N extends CanvasNode>(nodes: N[], ids: ReadonlySet<string>): N[] {
  if (ids.size === 0) return nodes;
  return nodes.map((n) => {
    if (!n.handles || !ids.has(n.id)) return n;
    const { handles: _stale, ...rest } = n;
    return rest as N;
  });
}

/** The nodes React Flow has just measured (its `dimensions` changes). */
export function measuredIds(changes: readonly { type: string; id?: string }[]): Set<string> {
  const ids = new Set<string>();
  for (const c of changes) if (c.type === "dimensions" && c.id) ids.add(c.id);
  return ids;
}
