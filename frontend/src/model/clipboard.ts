/**
 * Copied nodes as text, for the system clipboard (and a localStorage fallback), so they
 * paste into another tab, window or graph. The payload is a fragment of a GraphSpec
 * (nodes, edges, routes, fan-outs) under a type marker. Text read back is hostile until
 * checked: parsed as JSON (never evaluated), its shape validated, its JSON values rebuilt
 * without prototype keys, sizes bounded. Ids are remapped by `paste` in canvasOps.
 */
import type { Clipboard } from "./canvasOps";
import { isStepNode, type CanvasDoc, type CanvasNode, type JsonObject, type StepNode } from "./canvas";
import { canvasToSpec, specToCanvas } from "./convert";
import { END, START, type GraphSpec, type RouteBranch, type SpecEdge, type SpecFanout, type SpecNode, type SpecRoute } from "./graphspec";

export const CLIPBOARD_TYPE = "switchyard/nodes";
export const CLIPBOARD_VERSION = 1;
const MAX_TEXT = 2_000_000;
const MAX_NODES = 1000;
const MAX_DEPTH = 40;
const ID = /^[A-Za-z_][A-Za-z0-9_:.-]{0,199}$/;
const KIND = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export interface ClipboardPayload {
  type: typeof CLIPBOARD_TYPE;
  version: typeof CLIPBOARD_VERSION;
  nodes: SpecNode[];
  edges: SpecEdge[];
  routes: SpecRoute[];
  fanouts: SpecFanout[];
}

export type DecodedClipboard = { ok: true; clip: Clipboard } | { ok: false; error: string };

/** Copied nodes as clipboard text. */
export function encodeClipboard(clip: Clipboard): string {
  const doc: CanvasDoc = {
    nodes: clip.nodes,
    edges: clip.edges,
    state: [],
    meta: { name: "", description: "", breakpoints: { before: [], after: [] }, metadata: {}, extra: {} },
  };
  const spec = canvasToSpec(doc);
  const payload: ClipboardPayload = {
    type: CLIPBOARD_TYPE,
    version: CLIPBOARD_VERSION,
    nodes: spec.nodes,
    edges: spec.edges,
    routes: spec.routes ?? [],
    fanouts: spec.fanouts ?? [],
  };
  return JSON.stringify(payload);
}

class Refused extends Error {}

const NOT_NODES = "The clipboard does not hold Switchyard nodes (copy nodes on a Switchyard canvas first).";

/** Clipboard text back to nodes, or why it cannot be pasted. */
export function decodeClipboard(text: string): DecodedClipboard {
  if (text.length > MAX_TEXT) return { ok: false, error: "The clipboard holds too much to paste as nodes." };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: NOT_NODES };
  }
  if (!isObject(raw) || raw.type !== CLIPBOARD_TYPE) return { ok: false, error: NOT_NODES };
  if (raw.version !== CLIPBOARD_VERSION) return { ok: false, error: "These nodes were copied from another version of Switchyard and cannot be pasted here." };
  try {
    return { ok: true, clip: toClipboard(checkPayload(raw)) };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, error: `The copied nodes cannot be pasted: ${e.message}` };
    throw e;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A JSON value rebuilt from plain data: no prototype-changing keys, bounded depth. */
function cleanJson(v: unknown, where: string, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new Refused(`${where} is nested too deeply.`);
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Refused(`${where} holds a number JSON cannot carry.`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => cleanJson(x, `${where}[${i}]`, depth + 1));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "__proto__" || k === "constructor" || k === "prototype") continue;
      out[k] = cleanJson(x, `${where}.${k}`, depth + 1);
    }
    return out;
  }
  throw new Refused(`${where} is not JSON data.`);
}

function cleanObject(v: unknown, where: string): JsonObject {
  if (!isObject(v)) throw new Refused(`${where} must be an object.`);
  return cleanJson(v, where) as JsonObject;
}

function text(v: unknown, where: string, max = 2000): string {
  if (typeof v !== "string" || v.length > max) throw new Refused(`${where} must be a string${max < 2000 ? ` of at most ${max} characters` : ""}.`);
  return v;
}

function id(v: unknown, where: string): string {
  if (typeof v !== "string" || !ID.test(v)) throw new Refused(`${where} is not a valid id.`);
  return v;
}

function list(v: unknown, where: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Refused(`${where} must be a list.`);
  if (v.length > MAX_NODES * 4) throw new Refused(`${where} is too long.`);
  return v;
}

function checkPayload(raw: Record<string, unknown>): ClipboardPayload {
  const rawNodes = list(raw.nodes, "nodes");
  if (rawNodes.length === 0) throw new Refused("there are no nodes in it.");
  if (rawNodes.length > MAX_NODES) throw new Refused(`more than ${MAX_NODES} nodes.`);
  const ids = new Set<string>();
  const nodes = rawNodes.map((n, i): SpecNode => {
    const w = `node ${i + 1}`;
    if (!isObject(n)) throw new Refused(`${w} must be an object.`);
    const nodeId = id(n.id, `${w}'s id`);
    if (nodeId === START || nodeId === END) throw new Refused(`${w} is the graph's start or end, which is not copied.`);
    if (ids.has(nodeId)) throw new Refused(`two nodes have the id ${nodeId}.`);
    ids.add(nodeId);
    if (typeof n.kind !== "string" || !KIND.test(n.kind)) throw new Refused(`${w}'s kind is not a node kind.`);
    const out: SpecNode = { id: nodeId, kind: n.kind, config: n.config === undefined ? {} : cleanObject(n.config, `${w}'s config`) };
    if (n.label !== undefined) out.label = text(n.label, `${w}'s label`, 200);
    if (n.position !== undefined) {
      const p = n.position;
      if (!isObject(p) || typeof p.x !== "number" || typeof p.y !== "number" || !Number.isFinite(p.x) || !Number.isFinite(p.y))
        throw new Refused(`${w}'s position must be {x, y} numbers.`);
      out.position = { x: p.x, y: p.y };
    }
    if (n.retry !== undefined) out.retry = cleanObject(n.retry, `${w}'s retry`);
    if (n.metadata !== undefined) out.metadata = cleanObject(n.metadata, `${w}'s metadata`);
    return out;
  });
  const endpoint = (v: unknown, where: string) => {
    const x = id(v, where);
    if (!ids.has(x)) throw new Refused(`${where} is not one of the copied nodes.`);
    return x;
  };
  const meta = (v: unknown, where: string) => (v === undefined ? {} : { metadata: cleanObject(v, where) });
  const edges = list(raw.edges, "edges").map((e, i): SpecEdge => {
    const w = `edge ${i + 1}`;
    if (!isObject(e)) throw new Refused(`${w} must be an object.`);
    return { id: id(e.id, `${w}'s id`), source: endpoint(e.source, `${w}'s source`), target: endpoint(e.target, `${w}'s target`), ...meta(e.metadata, `${w}'s metadata`) };
  });
  const routes = list(raw.routes, "routes").map((r, i): SpecRoute => {
    const w = `route ${i + 1}`;
    if (!isObject(r)) throw new Refused(`${w} must be an object.`);
    const branches = list(r.branches, `${w}'s branches`).map((b, j): RouteBranch => {
      const wb = `${w}'s branch ${j + 1}`;
      if (!isObject(b)) throw new Refused(`${wb} must be an object.`);
      const branch: RouteBranch = { when: text(b.when, `${wb}'s condition`), target: endpoint(b.target, `${wb}'s target`) };
      if (b.label !== undefined) branch.label = text(b.label, `${wb}'s label`, 200);
      return branch;
    });
    const route: SpecRoute = { id: id(r.id, `${w}'s id`), source: endpoint(r.source, `${w}'s source`), branches, ...meta(r.metadata, `${w}'s metadata`) };
    if (r.default !== undefined && r.default !== null) route.default = endpoint(r.default, `${w}'s default`);
    return route;
  });
  const fanouts = list(raw.fanouts, "fanouts").map((f, i): SpecFanout => {
    const w = `fan-out ${i + 1}`;
    if (!isObject(f)) throw new Refused(`${w} must be an object.`);
    const out: SpecFanout = {
      id: id(f.id, `${w}'s id`),
      source: endpoint(f.source, `${w}'s source`),
      target: endpoint(f.target, `${w}'s target`),
      items: text(f.items, `${w}'s items`, 200),
      ...meta(f.metadata, `${w}'s metadata`),
    };
    if (f.as !== undefined) out.as = text(f.as, `${w}'s item name`, 200);
    return out;
  });
  return { type: CLIPBOARD_TYPE, version: CLIPBOARD_VERSION, nodes, edges, routes, fanouts };
}

function toClipboard(p: ClipboardPayload): Clipboard {
  const spec: GraphSpec = {
    spec_version: 1,
    name: "",
    state: { fields: [] },
    nodes: p.nodes,
    edges: p.edges,
    routes: p.routes,
    fanouts: p.fanouts,
    breakpoints: { before: [], after: [] },
  };
  const doc = specToCanvas(spec);
  const nodes = doc.nodes.filter((n: CanvasNode): n is StepNode => isStepNode(n));
  return { nodes, edges: doc.edges };
}
