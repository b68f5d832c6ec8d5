/**
 * Lay out a thread's checkpoints as a tree: time runs left to right, and every fork
 * (a second child of the same checkpoint) opens a lane of its own below the others,
 * so branches never share a row and a lane is one branch ("branch N" = lane N + 1).
 */

export interface TimelineInput {
  id: string;
  parentId: string | null;
  step: number;
  source: string;
  createdAt: string;
}

export interface TimelineNode extends TimelineInput {
  column: number;
  lane: number;
  /** True when this checkpoint starts a branch off its parent. */
  isForkStart: boolean;
}

export interface TimelineLayout {
  nodes: TimelineNode[];
  links: { from: string; to: string; fork: boolean }[];
  lanes: number;
  /** Leaf checkpoints (latest of each branch), newest first. */
  heads: string[];
}

export function layoutTimeline(input: readonly TimelineInput[]): TimelineLayout {
  // Chronological order; the API returns newest first, ties keep input order reversed.
  const ordered = input
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.createdAt.localeCompare(b.c.createdAt) || b.i - a.i)
    .map((x) => x.c);
  const known = new Set(ordered.map((c) => c.id));
  const laneOf = new Map<string, number>();
  const childCount = new Map<string, number>();
  const laneEnd = new Map<number, number>(); // lane → last column used
  let lanes = 0;
  const nodes: TimelineNode[] = [];
  const links: TimelineLayout["links"] = [];


  ordered.forEach((c, column) => {
    const parent = c.parentId && known.has(c.parentId) ? c.parentId : null;
    let lane: number;
    let isForkStart = false;
    if (parent === null) lane = lanes++;
    else {
      const n = childCount.get(parent) ?? 0;
      childCount.set(parent, n + 1);
      const parentLane = laneOf.get(parent)!;
      if (n === 0 && (laneEnd.get(parentLane) ?? -1) < column) lane = parentLane;
      else {
        lane = lanes++;
        isForkStart = true;
      }
      links.push({ from: parent, to: c.id, fork: isForkStart });
    }
    laneOf.set(c.id, lane);
    laneEnd.set(lane, column);
    nodes.push({ ...c, column, lane, isForkStart });
  });

  const hasChild = new Set(links.map((l) => l.from));
  const heads = nodes
    .filter((n) => !hasChild.has(n.id))
    .sort((a, b) => b.column - a.column)
    .map((n) => n.id);
  return { nodes, links, lanes: Math.max(lanes, nodes.length ? 1 : 0), heads };
}

/**
 * A checkpoint's accessible name, unique on the timeline: step and source, its branch
 * (lane), the time and the tail of its id ("Checkpoint at step 2 (loop), branch 2,
 * fork start, 12:00:03, id …a1b2c3").
 */
export function checkpointName(n: TimelineNode, time: (iso: string) => string = (iso) => new Date(iso).toLocaleTimeString()): string {
  const when = n.createdAt ? time(n.createdAt) : "";
  return `Checkpoint at step ${n.step} (${n.source}), branch ${n.lane + 1}${n.isForkStart ? ", fork start" : ""}${when ? `, ${when}` : ""}, id …${n.id.slice(-6)}`;
}
