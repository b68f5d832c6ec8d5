/** GraphSpec v1: the JSON contract in docs/graphspec.md. */

export const START = "__start__";
export const END = "__end__";

export type FieldType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "messages" | "any";
export const FIELD_TYPES: readonly FieldType[] = [
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
  "messages",
  "any",
];

export type Reducer = "replace" | "append" | "add" | "merge" | "messages";
export const REDUCERS: readonly Reducer[] = ["replace", "append", "add", "merge", "messages"];

export interface StateField {
  name: string;
  type: FieldType;
  /** Absent means "replace". */
  reducer?: Reducer;
  default?: unknown;
  description?: string;
  /** Part of the graph's input schema (what the run form asks for). */
  input?: boolean;
}

export interface RetryPolicy {
  max_attempts?: number;
  initial_interval?: number;
  backoff_factor?: number;
  max_interval?: number;
  jitter?: boolean;
}

export interface Position {
  x: number;
  y: number;
}

export interface SpecNode {
  id: string;
  kind: string;
  label?: string;
  config: Record<string, unknown>;
  position?: Position;
  retry?: RetryPolicy;
  metadata?: Record<string, unknown>;
}

export interface SpecEdge {
  id: string;
  source: string;
  target: string;
  metadata?: Record<string, unknown>;
}

export interface RouteBranch {
  label?: string;
  when: string;
  target: string;
}

export interface SpecRoute {
  id: string;
  source: string;
  branches: RouteBranch[];
  /** Required by the schema; a route being drawn may not have one yet. */
  default?: string | null;
  metadata?: Record<string, unknown>;
}

export interface SpecFanout {
  id: string;
  source: string;
  items: string;
  target: string;
  as?: string;
  metadata?: Record<string, unknown>;
}

export interface Breakpoints {
  before: string[];
  after: string[];
}

export interface GraphSpec {
  spec_version: 1;
  name: string;
  description?: string;
  state: { fields: StateField[] };
  nodes: SpecNode[];
  edges: SpecEdge[];
  routes?: SpecRoute[];
  fanouts?: SpecFanout[];
  breakpoints?: Breakpoints;
  metadata?: Record<string, unknown>;
}

export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,79}$/;
export const FIELD_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** A new, empty graph with a messages field; the problems panel then says to connect START. */
export function emptySpec(name: string): GraphSpec {
  return {
    spec_version: 1,
    name,
    description: "",
    state: { fields: [{ name: "messages", type: "messages", reducer: "messages", default: [] }] },
    nodes: [],
    edges: [],
    routes: [],
    fanouts: [],
    breakpoints: { before: [], after: [] },
    metadata: {},
  };
}

/** Cheap structural check used on imported files before they reach the canvas. */
export function parseSpec(value: unknown): { spec: GraphSpec } | { error: string } {
  if (!value || typeof value !== "object" || Array.isArray(value)) return { error: "The file is not a JSON object." };
  const v = value as Record<string, unknown>;
  if (v.spec_version !== 1) return { error: "spec_version must be 1." };
  if (!Array.isArray(v.nodes)) return { error: "nodes must be a list." };
  if (!Array.isArray(v.edges)) return { error: "edges must be a list." };
  const state = v.state as { fields?: unknown } | undefined;
  if (!state || !Array.isArray(state.fields)) return { error: "state.fields must be a list." };
  for (const [i, n] of (v.nodes as unknown[]).entries()) {
    const node = n as Partial<SpecNode>;
    if (!node || typeof node.id !== "string" || typeof node.kind !== "string") {
      return { error: `nodes/${i} needs a string id and kind.` };
    }
  }
  return { spec: value as GraphSpec };
}
