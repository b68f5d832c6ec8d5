/**
 * Validation problems in the graph's own words: node labels instead of ids, field titles
 * (the kind's JSON Schema `title`, else the key humanised) instead of JSON pointers.
 */
import type { NodeKindInfo, Problem } from "../api/types";
import { END, START, type GraphSpec } from "../model/graphspec";
import { parsePointer } from "../model/pointer";

/** "input_messages_field" → "Input messages field", "maxTokens" → "Max tokens". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

/** "1 error", "2 errors". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

type Schema = Record<string, unknown>;

function asSchema(v: unknown): Schema | null {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Schema) : null;
}

/** The title of the config property at `path` ("Max tokens", "Assignments › #2 › Field"). */
export function configFieldName(schema: Schema | null | undefined, path: readonly string[]): string {
  const names: string[] = [];
  let s: Schema | null = schema ?? null;
  for (const seg of path) {
    if (/^\d+$/.test(seg)) {
      names.push(`#${Number(seg) + 1}`);
      s = asSchema(s?.items);
      continue;
    }
    const prop = asSchema(asSchema(s?.properties)?.[seg]);
    names.push(typeof prop?.title === "string" && prop.title ? prop.title : humanizeKey(seg));
    s = prop;
  }
  return names.join(" › ");
}

function quoteLabel(label: string): string {
  return `“${label}”`;
}

/** Where a pointer points, in words: "Draft reply › Max tokens", "State field “decision”". */
export function describePointer(pointer: string, spec: GraphSpec | null, kinds: readonly NodeKindInfo[]): string {
  const segs = parsePointer(pointer);
  if (segs.length === 0) return "Graph";
  const [section, i, ...rest] = segs;
  const n = i !== undefined && /^\d+$/.test(i) ? Number(i) : null;
  if (section === "nodes" && spec && n !== null && spec.nodes[n]) {
    const node = spec.nodes[n]!;
    const label = node.label || node.id;
    if (rest[0] === "config") {
      const schema = kinds.find((k) => k.kind === node.kind)?.config_schema as Schema | undefined;
      const field = configFieldName(schema, rest.slice(1));
      return field ? `${label} › ${field}` : label;
    }
    return rest.length ? `${label} › ${rest.map(humanizeKey).join(" › ")}` : label;
  }
  if (section === "state" && i === "fields" && spec) {
    const k = rest[0] !== undefined && /^\d+$/.test(rest[0]) ? Number(rest[0]) : null;
    const f = k !== null ? spec.state.fields[k] : undefined;
    if (f) return `State field ${quoteLabel(f.name)}${rest.length > 1 ? ` › ${rest.slice(1).map(humanizeKey).join(" › ")}` : ""}`;
  }
  return segs.map((s) => (/^\d+$/.test(s) ? `#${Number(s) + 1}` : humanizeKey(s))).join(" › ");
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The message with node ids as labels and a leading quoted pointer (`'/nodes/0/config/x': …`) as words. */
export function humanizeMessage(message: string, pointer: string, spec: GraphSpec | null, kinds: readonly NodeKindInfo[]): string {
  let text = message;
  const lead = /^'(\/[^']*)'(:?)\s*/.exec(text);
  if (lead) {
    const where = describePointer(lead[1]!, spec, kinds);
    text = lead[2] ? `${where}: ${text.slice(lead[0].length)}` : `${where} ${text.slice(lead[0].length)}`;
  } else if (pointer && spec && /^\/nodes\/\d+\/config\//.test(pointer)) {
    // Say which node and field the message is about when it does not.
    text = `${describePointer(pointer, spec, kinds)}: ${text}`;
  }
  const labels: [string, string][] = [
    [START, "Start"],
    [END, "End"],
    ...(spec?.nodes ?? []).map((n): [string, string] => [n.id, n.label || n.id]),
  ];
  for (const [id, label] of labels) {
    if (!text.includes(id)) continue;
    text = text.replace(new RegExp(`(?:[Nn]ode )?'${escapeRe(id)}'`, "g"), (m) => (/^[Nn]ode /.test(m) ? `${m[0]}ode ${quoteLabel(label)}` : quoteLabel(label)));
    text = text.replace(new RegExp(`\\b${escapeRe(id)}\\b`, "g"), id === START || id === END ? label : quoteLabel(label));
  }
  return text;
}

export interface ProblemText {
  text: string;
  /** The raw pointer, shown as secondary text. */
  pointer: string;
}

export function describeProblem(p: Problem, spec: GraphSpec | null, kinds: readonly NodeKindInfo[]): ProblemText {
  return { text: humanizeMessage(p.message, p.pointer, spec, kinds), pointer: p.pointer || "/" };
}

/**
 * The server's publish refusal ("the draft is not a valid graph: error at /p: msg [code]; …")
 * as readable lines, each said once; null when the message is not of that shape.
 */
export function describePublishError(message: string, spec: GraphSpec | null, kinds: readonly NodeKindInfo[]): { intro: string; lines: string[] } | null {
  const m = /^(.*?):\s*((?:error|warning) at .*)$/s.exec(message);
  if (!m) return null;
  const lines: string[] = [];
  const re = /(?:error|warning) at (\S*): (.*?) \[([\w.-]+)\](?:;\s*|$)/gs;
  for (const x of m[2]!.matchAll(re)) lines.push(humanizeMessage(x[2]!, x[1] === "/" ? "" : x[1]!, spec, kinds));
  if (!lines.length) return null;
  const intro = m[1]!.trim();
  return { intro: intro ? intro[0]!.toUpperCase() + intro.slice(1) : "The draft is not valid", lines };
}
