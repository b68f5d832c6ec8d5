/**
 * The canvas model: React Flow nodes and edges whose `data` is a union keyed on
 * the node kind (nodes) or on the edge kind (edges). Conversion to and from
 * GraphSpec lives in convert.ts.
 */
import type { Edge, Node } from "@xyflow/react";
import type { Breakpoints, RetryPolicy, StateField } from "./graphspec";

export type JsonObject = { [k: string]: unknown };

export const KNOWN_KINDS = ["llm", "tools", "router", "human", "transform", "http", "python", "subgraph"] as const;
export type KnownKind = (typeof KNOWN_KINDS)[number];

export function isKnownKind(kind: string): kind is KnownKind {
  return (KNOWN_KINDS as readonly string[]).includes(kind);
}

// Per-kind configs name the keys the canvas itself reads; the rest is whatever
// the kind's JSON Schema allows and is edited through the generated form.
export type LlmConfig = JsonObject & { provider?: string; model?: string; prompt?: string; system?: string };
export type ToolsConfig = JsonObject & { tools?: unknown[] };
export type RouterConfig = JsonObject;
export type HumanConfig = JsonObject & { title?: string; instructions?: string; form?: JsonObject };
export type TransformConfig = JsonObject & { assign?: JsonObject };
export type HttpConfig = JsonObject & { method?: string; url?: string };
export type PythonConfig = JsonObject & { code?: string; ref?: string };
export type SubgraphConfig = JsonObject & { graph_id?: string; version?: number };

interface StepData<K extends string, C extends JsonObject> {
  kind: K;
  label: string;
  config: C;
  retry?: RetryPolicy;
  metadata?: JsonObject;
  [key: string]: unknown;
}

export type LlmNodeData = StepData<"llm", LlmConfig>;
export type ToolsNodeData = StepData<"tools", ToolsConfig>;
export type RouterNodeData = StepData<"router", RouterConfig>;
export type HumanNodeData = StepData<"human", HumanConfig>;
export type TransformNodeData = StepData<"transform", TransformConfig>;
export type HttpNodeData = StepData<"http", HttpConfig>;
export type PythonNodeData = StepData<"python", PythonConfig>;
export type SubgraphNodeData = StepData<"subgraph", SubgraphConfig>;
/** A kind the catalog serves that this build does not know by name (kept verbatim). */
export type OtherNodeData = StepData<"other", JsonObject> & { specKind: string };

export type StepNodeData =
  | LlmNodeData
  | ToolsNodeData
  | RouterNodeData
  | HumanNodeData
  | TransformNodeData
  | HttpNodeData
  | PythonNodeData
  | SubgraphNodeData
  | OtherNodeData;

export interface StartNodeData {
  kind: "__start__";
  label: string;
  [key: string]: unknown;
}
export interface EndNodeData {
  kind: "__end__";
  label: string;
  [key: string]: unknown;
}

export type CanvasNodeData = StepNodeData | StartNodeData | EndNodeData;

export type StepNode = Node<StepNodeData, "step">;
export type StartNode = Node<StartNodeData, "start">;
export type EndNode = Node<EndNodeData, "end">;
export type CanvasNode = StepNode | StartNode | EndNode;

export interface PlainEdgeData {
  kind: "edge";
  metadata?: JsonObject;
  [key: string]: unknown;
}
/** One branch (or the default) of a conditional route; branches of a route share routeId. */
export interface RouteEdgeData {
  kind: "route";
  routeId: string;
  label: string;
  when: string;
  order: number;
  isDefault: boolean;
  /** The route's own metadata, carried on each of its edges. */
  routeMetadata?: JsonObject;
  [key: string]: unknown;
}
export interface FanoutEdgeData {
  kind: "fanout";
  items: string;
  as: string;
  metadata?: JsonObject;
  [key: string]: unknown;
}
export type CanvasEdgeData = PlainEdgeData | RouteEdgeData | FanoutEdgeData;

export type PlainEdge = Edge<PlainEdgeData, "plain">;
export type RouteEdge = Edge<RouteEdgeData, "route">;
export type FanoutEdge = Edge<FanoutEdgeData, "fanout">;
export type CanvasEdge = PlainEdge | RouteEdge | FanoutEdge;

export interface CanvasMeta {
  name: string;
  description: string;
  breakpoints: Breakpoints;
  metadata: JsonObject;
  /** Top-level spec keys this build does not know, carried through unchanged. */
  extra: JsonObject;
}

/** Everything the editor edits; undo/redo snapshots this. */
export interface CanvasDoc {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  state: StateField[];
  meta: CanvasMeta;
}

export function isStepNode(n: CanvasNode): n is StepNode {
  return n.type === "step";
}

export function isRouteEdge(e: CanvasEdge): e is RouteEdge {
  return e.type === "route";
}

export function isFanoutEdge(e: CanvasEdge): e is FanoutEdge {
  return e.type === "fanout";
}

/** The spec kind of a node ("llm", "__start__", or the verbatim kind of an "other"). */
export function specKindOf(data: CanvasNodeData): string {
  return data.kind === "other" ? data.specKind : data.kind;
}

/** Build step-node data for a kind, with the union member chosen by kind. */
export function makeStepData(kind: string, label: string, config: JsonObject = {}, retry?: RetryPolicy, metadata?: JsonObject): StepNodeData {
  const base: { label: string; config: JsonObject; retry?: RetryPolicy; metadata?: JsonObject } = { label, config };
  if (retry) base.retry = retry;
  if (metadata) base.metadata = metadata;
  if (isKnownKind(kind)) return { kind, ...base } as StepNodeData;
  return { kind: "other", specKind: kind, ...base };
}
