#!/usr/bin/env node
// A stand-in for the Django backend, used to look at and smoke-test the frontend
// before (or without) the real API. It serves builder/static/app/ the way Django's
// template does and implements the API shapes the frontend assumes, in memory.
// Usage: node tests/e2e/mock_server.mjs [port]   (no npm dependencies)
import { createServer } from "node:http";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { join, dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const STATIC = join(ROOT, "builder", "static", "app");
const PORT = Number(process.argv[2] ?? process.env.PORT ?? 8765);

const user = { id: 1, username: "demo" };
const workspaces = [
  { slug: "demo", name: "Demo workspace", role: "owner" },
  { slug: "team", name: "Team", role: "viewer" },
];
// The node-kind catalog: runtime.graphspec.catalog() as saved for the frontend's tests.
const CATALOG = join(ROOT, "frontend", "src", "editor", "__fixtures__", "catalog.json");
const kinds = existsSync(CATALOG)
  ? JSON.parse(readFileSync(CATALOG, "utf8"))
  : [{ kind: "llm", title: "LLM", description: "Call a language model.", config_schema: { type: "object", properties: { model: { type: "string" } } } }];
const REVIEW_FORM = { type: "object", required: ["decision"], properties: { decision: { type: "string", title: "Decision", enum: ["approve", "reject"] }, comment: { type: "string", title: "Comment" } } };

const spec = {
  spec_version: 1, name: "Support triage", description: "Classifies a ticket, drafts a reply, asks a human to approve it.",
  state: { fields: [
    { name: "messages", type: "messages", reducer: "messages", default: [] },
    { name: "category", type: "string", reducer: "replace", default: null },
    { name: "notes", type: "array", reducer: "append" },
  ] },
  nodes: [
    { id: "classify", kind: "llm", label: "Classify ticket", config: { provider: "fake", model: "fake-1", prompt: "Classify: {{ state.messages[-1].content }}" }, position: { x: 0, y: 100 } },
    { id: "engineer", kind: "http", label: "File bug", config: { method: "POST", url: "https://example.invalid/bugs" }, position: { x: 300, y: 0 } },
    { id: "draft", kind: "llm", label: "Draft reply", config: { provider: "fake", model: "fake-1", prompt: "Reply" }, position: { x: 300, y: 200 } },
    { id: "review", kind: "human", label: "Approve reply", config: { title: "Approve the reply" }, position: { x: 600, y: 200 } },
  ],
  edges: [
    { id: "e1", source: "__start__", target: "classify" },
    { id: "e2", source: "draft", target: "review" },
    { id: "e3", source: "review", target: "__end__" },
    { id: "e4", source: "engineer", target: "__end__" },
  ],
  routes: [{ id: "r1", source: "classify", branches: [{ label: "bug", when: "state.category == 'bug'", target: "engineer" }], default: "draft" }],
  fanouts: [], breakpoints: { before: ["review"], after: [] }, metadata: {},
};

const graphs = new Map();
let nextGraphId = 1;
// Ids as strings of numbers, as Django's integer primary keys appear in URLs.
function addGraph(name, s, source = "spec") {
  const id = String(nextGraphId++);
  graphs.set(id, { id, name, workspace: "demo", source, spec: s, draft_revision: 1, updated_at: new Date().toISOString(), latest_version: null, versions: [] });
  return graphs.get(id);
}
const demo = addGraph("Support triage", spec);
addGraph("Code-defined agent", { ...spec, name: "Code-defined agent" }, "code");
const threads = new Map();
const summary = (g) => ({ id: Number(g.id), name: g.name, workspace: g.workspace, source: g.source, draft_revision: g.draft_revision, updated_at: g.updated_at, latest_version: g.latest_version });

function validate(s) {
  const problems = [];
  const targets = new Set([...s.edges.map((e) => e.target), ...(s.routes ?? []).flatMap((r) => [...r.branches.map((b) => b.target), r.default]), ...(s.fanouts ?? []).map((f) => f.target)]);
  s.nodes.forEach((n, i) => {
    if (!targets.has(n.id)) problems.push({ pointer: `/nodes/${i}`, message: `“${n.label ?? n.id}” can never run: nothing leads to it.`, severity: "warning", code: "unreachable" });
    const required = kinds.find((k) => k.kind === n.kind)?.config_schema?.required ?? [];
    for (const key of required) if (n.config?.[key] === undefined || n.config?.[key] === "") problems.push({ pointer: `/nodes/${i}/config/${key}`, message: `“${n.label ?? n.id}” needs a ${key}.`, severity: "error", code: "config" });
  });
  (s.routes ?? []).forEach((r, i) => r.branches.forEach((b, j) => { if (!b.when) problems.push({ pointer: `/routes/${i}/branches/${j}/when`, message: `Branch “${b.label}” has no condition.`, severity: "error", code: "route" }); }));
  return problems;
}

// --- a scripted run, streamed over the websocket -----------------------------------
const sockets = new Map(); // thread_id -> Set(socket)
function emit(t, type, data, runId) {
  const e = { type, seq: t.events.length + 1, thread_id: t.thread_id, run_id: runId, ts: new Date().toISOString(), data };
  t.events.push(e);
  for (const s of sockets.get(t.thread_id) ?? []) wsSend(s, e);
}
function checkpoint(t, step, source, next, values, runId, parent = t.head) {
  const id = randomUUID();
  t.history.unshift({ values: structuredClone(values), next, checkpoint: { thread_id: t.thread_id, checkpoint_ns: "", checkpoint_id: id }, metadata: { source, step, writes: null }, created_at: new Date().toISOString(), parent_checkpoint: parent ? { thread_id: t.thread_id, checkpoint_ns: "", checkpoint_id: parent } : null, tasks: [] });
  t.head = id;
  emit(t, "checkpoint.created", { checkpoint_id: id, parent_id: parent ?? null, step, source, next }, runId);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Phases: classify → draft → (breakpoint before review?) → review asks → review resolves.
async function runScript(t, input, resume, before = []) {
  const runId = randomUUID();
  t.status = "busy";
  emit(t, "run.created", {}, runId);
  emit(t, "run.started", {}, runId);
  let values = structuredClone(t.history[0]?.values ?? { messages: [], category: null, notes: [] });
  if (t.phase === "answered" || !t.phase) {
    t.phase = "start";
    if (input) values = { ...values, ...input, messages: [...(values.messages ?? []), ...(input.messages ?? [])] };
    checkpoint(t, (t.history[0]?.metadata.step ?? -2) + 1, "input", ["classify"], values, runId);
    emit(t, "task.started", { node: "classify", step: 0, task_id: randomUUID() }, runId);
    for (const tok of ["The ", "ticket ", "is ", "a ", "question."]) { await sleep(120); emit(t, "messages", { content: tok, node: "classify" }, runId); }
    values = { ...values, category: "question" };
    emit(t, "task.finished", { node: "classify", step: 0, duration_ms: 640 }, runId);
    emit(t, "values", values, runId);
    checkpoint(t, 0, "loop", ["draft"], values, runId);
    emit(t, "task.started", { node: "draft", step: 1 }, runId);
    for (const tok of ["Thanks ", "for ", "writing ", "in!"]) { await sleep(120); emit(t, "messages", { content: tok, node: "draft" }, runId); }
    values = { ...values, messages: [...values.messages, { type: "ai", content: "Thanks for writing in!" }] };
    emit(t, "task.finished", { node: "draft", step: 1, duration_ms: 510 }, runId);
    emit(t, "values", values, runId);
    checkpoint(t, 1, "loop", ["review"], values, runId);
    if (before.includes("review")) {
      // interrupt_before: stop with work left and no interrupt event, as the engine does.
      t.phase = "breakpoint";
      t.status = "interrupted";
      emit(t, "run.finished", {}, runId);
      return;
    }
  }
  if (t.phase === "start" || t.phase === "breakpoint") {
    t.phase = "asking";
    emit(t, "task.started", { node: "review", step: 2 }, runId);
    const iid = randomUUID();
    // The payload of the runtime's `human` node kind.
    emit(t, "interrupt", { id: iid, node: "review", value: { kind: "human", node: "review", title: "Approve the reply", instructions: "Check the tone before it goes out.", fields: { category: values.category, reply: "Thanks for writing in!" }, editable_fields: ["reply"], form_schema: REVIEW_FORM } }, runId);
    t.history[0].tasks = [{ id: randomUUID(), name: "review", interrupts: [{ value: { title: "Approve the reply" }, id: iid }], error: null }];
    t.status = "interrupted";
    emit(t, "run.finished", {}, runId);
    return;
  }
  t.phase = "answered";
  emit(t, "review.resolved", { by: "demo", decision: resume?.decision ?? "approve" }, runId);
  emit(t, "task.started", { node: "review", step: 2 }, runId);
  await sleep(200);
  values = { ...values, notes: [...(values.notes ?? []), resume] };
  emit(t, "task.finished", { node: "review", step: 2, duration_ms: 200 }, runId);
  checkpoint(t, 2, "loop", [], values, runId);
  t.status = "idle";
  emit(t, "run.finished", {}, runId);
}

// --- HTTP ----------------------------------------------------------------------------
function page() {
  const manifest = JSON.parse(readFileSync(join(STATIC, ".vite", "manifest.json"), "utf8"));
  const entry = manifest["src/main.tsx"];
  const css = (entry.css ?? []).map((c) => `<link rel="stylesheet" href="/static/app/${c}">`).join("");
  const props = JSON.stringify({ user, csrfToken: "mock-csrf", page: "app" }).replace(/'/g, "&#39;");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchyard</title>${css}</head><body><div id="root" data-props='${props}'></div><script type="module" src="/static/app/${entry.file}"></script></body></html>`;
}
const TYPES = { ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml" };
function send(res, status, body, type = "application/json") {
  res.writeHead(status, { "Content-Type": type });
  res.end(type === "application/json" ? JSON.stringify(body) : body);
}
async function body(req) {
  let raw = "";
  for await (const c of req) raw += c;
  return raw ? JSON.parse(raw) : {};
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const p = url.pathname;
  const m = (re) => p.match(re);
  let g;
  try {
    if (req.method !== "GET" && p.startsWith("/api/") && req.headers["x-csrftoken"] !== "mock-csrf") return send(res, 403, { detail: "CSRF token missing." });
    if (p.startsWith("/static/app/")) {
      const f = join(STATIC, p.slice("/static/app/".length));
      if (!f.startsWith(STATIC) || !existsSync(f)) return send(res, 404, "not found", "text/plain");
      return send(res, 200, readFileSync(f), TYPES[extname(f)] ?? "application/octet-stream");
    }
    if (p === "/" || p.startsWith("/app")) return send(res, 200, page(), "text/html");
    if (p === "/api/me/") return send(res, 200, { user, workspaces });
    if (p === "/api/node-kinds/") return send(res, 200, kinds);
    if (p === "/api/graphs/" && req.method === "GET") return send(res, 200, { results: [...graphs.values()].filter((x) => x.workspace === url.searchParams.get("workspace")).map(summary) });
    if (p === "/api/graphs/" && req.method === "POST") { const b = await body(req); const ng = addGraph(b.name, b.spec); return send(res, 201, { ...summary(ng), spec: ng.spec, read_only: false }); }
    if ((g = m(/^\/api\/graphs\/([^/]+)\/$/)) && graphs.has(g[1])) {
      const x = graphs.get(g[1]);
      if (req.method === "GET") return send(res, 200, { ...summary(x), spec: x.spec, read_only: x.source === "code" });
      if (req.method === "PATCH") {
        const b = await body(req);
        if (b.draft_revision !== x.draft_revision) return send(res, 409, { error: { code: "draft_conflict", message: "The draft changed since you loaded it.", fields: [], current: { draft: x.spec, draft_revision: x.draft_revision, updated_by: "alice", updated_at: x.updated_at } } });
        x.spec = b.spec; x.draft_revision += 1; x.updated_at = new Date().toISOString();
        return send(res, 200, { draft_revision: x.draft_revision });
      }
    }
    if ((g = m(/^\/api\/graphs\/([^/]+)\/validate\/$/)) && graphs.has(g[1])) return send(res, 200, { problems: validate((await body(req)).spec) });
    if ((g = m(/^\/api\/graphs\/([^/]+)\/versions\/$/)) && graphs.has(g[1])) {
      const x = graphs.get(g[1]);
      if (req.method === "POST") { const b = await body(req); const v = { number: x.versions.length + 1, note: b.note, author: "demo", created_at: new Date().toISOString(), spec: x.spec }; x.versions.push(v); x.latest_version = v.number; return send(res, 201, v); }
      return send(res, 200, [...x.versions].reverse().map(({ spec: _s, ...v }) => v));
    }
    if ((g = m(/^\/api\/graphs\/([^/]+)\/versions\/(\d+)\/$/)) && graphs.has(g[1])) { const v = graphs.get(g[1]).versions[Number(g[2]) - 1]; return v ? send(res, 200, v) : send(res, 404, { detail: "No such version." }); }
    if ((g = m(/^\/api\/graphs\/([^/]+)\/mermaid\/$/)) && graphs.has(g[1])) {
      const x = graphs.get(g[1]);
      return send(res, 200, { mermaid: ["flowchart LR", ...x.spec.nodes.map((n) => `  ${n.id}["${n.label ?? n.id}"]`)].join("\n") + "\n" });
    }
    if (p === "/api/threads" && req.method === "POST") {
      const b = await body(req);
      const t = { thread_id: randomUUID(), created_at: new Date().toISOString(), updated_at: new Date().toISOString(), metadata: b.metadata ?? {}, status: "idle", graph_id: b.graph_id, events: [], history: [], head: null };
      threads.set(t.thread_id, t);
      return send(res, 200, { ...t, events: undefined, history: undefined });
    }
    if ((g = m(/^\/api\/workspaces\/([^/]+)\/threads\/$/))) {
      // The Threads page's list: status and graph filters, one page.
      const status = url.searchParams.get("status");
      const graph = url.searchParams.get("graph");
      const rows = [...threads.values()]
        .filter((t) => (!status || t.status === status) && (!graph || String(t.graph_id) === graph))
        .map((t) => ({ thread_id: t.thread_id, workspace: g[1], graph: graphs.has(String(t.graph_id)) ? { id: t.graph_id, slug: String(t.graph_id), name: graphs.get(String(t.graph_id)).name } : null, status: t.status, waiting_for_review: t.status === "interrupted", started_by: "demo", metadata: t.metadata, created_at: t.created_at, updated_at: t.updated_at }));
      return send(res, 200, { next: null, previous: null, results: rows });
    }
    if (p === "/api/threads/search") return send(res, 200, [...threads.values()].map((t) => ({ ...t, events: undefined, history: undefined })));
    if ((g = m(/^\/api\/threads\/([^/]+)$/)) && threads.has(g[1])) { const t = threads.get(g[1]); return send(res, 200, { ...t, events: undefined, history: undefined, values: t.history[0]?.values ?? null }); }
    if ((g = m(/^\/api\/threads\/([^/]+)\/history$/)) && threads.has(g[1])) return send(res, 200, threads.get(g[1]).history);
    if ((g = m(/^\/api\/threads\/([^/]+)\/state$/)) && threads.has(g[1])) {
      const t = threads.get(g[1]);
      if (req.method === "POST") { const b = await body(req); const base = t.history.find((h) => h.checkpoint.checkpoint_id === (b.checkpoint_id ?? t.head)); checkpoint(t, (base?.metadata.step ?? 0) + 1, "update", base?.next ?? [], { ...(base?.values ?? {}), ...b.values }, null, base?.checkpoint.checkpoint_id ?? t.head); return send(res, 200, { checkpoint: { checkpoint_id: t.head } }); }
      return send(res, 200, t.history[0] ?? { values: {}, next: [], checkpoint: null, metadata: {}, tasks: [] });
    }
    if ((g = m(/^\/api\/threads\/([^/]+)\/runs$/)) && threads.has(g[1])) {
      const t = threads.get(g[1]);
      const b = await body(req);
      void runScript(t, b.input, b.command?.resume, b.interrupt_before ?? []);
      return send(res, 200, { run_id: randomUUID(), thread_id: t.thread_id, status: "pending" });
    }
    return send(res, 404, { detail: `No mock for ${req.method} ${p}` });
  } catch (e) {
    return send(res, 500, { detail: String(e) });
  }
});

// --- a minimal RFC 6455 server: text frames only, enough for JSON events -------------
function wsSend(sock, obj) {
  const data = Buffer.from(JSON.stringify(obj));
  const len = data.length;
  const head = len < 126 ? Buffer.from([0x81, len]) : len < 65536 ? Buffer.from([0x81, 126, len >> 8, len & 255]) : (() => { const b = Buffer.alloc(10); b[0] = 0x81; b[1] = 127; b.writeBigUInt64BE(BigInt(len), 2); return b; })();
  if (!sock.destroyed) sock.write(Buffer.concat([head, data]));
}
function wsFrames(buf) {
  const out = [];
  let off = 0;
  while (buf.length - off >= 6) {
    const op = buf[off] & 15;
    let len = buf[off + 1] & 127;
    let p = off + 2;
    if (len === 126) { len = buf.readUInt16BE(p); p += 2; } else if (len === 127) { len = Number(buf.readBigUInt64BE(p)); p += 8; }
    const mask = buf.subarray(p, p + 4); p += 4;
    if (buf.length < p + len) break;
    const payload = Buffer.from(buf.subarray(p, p + len)).map((b, i) => b ^ mask[i % 4]);
    out.push({ op, text: payload.toString("utf8") });
    off = p + len;
  }
  return { frames: out, rest: buf.subarray(off) };
}
server.on("upgrade", (req, sock) => {
  const url = new URL(req.url, "http://x");
  const accept = createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  if (url.pathname === "/ws/inbox/") {
    const items = [...threads.values()].filter((t) => t.status === "interrupted").map((t) => ({ thread_id: t.thread_id, graph_name: t.metadata.graph_name ?? "Support triage", node: "review", title: "Approve the reply", created_at: t.updated_at }));
    wsSend(sock, { type: "inbox", items });
    return;
  }
  const tm = url.pathname.match(/^\/ws\/threads\/([^/]+)\/$/);
  const t = tm && threads.get(tm[1]);
  if (!t) return sock.end();
  if (!sockets.has(t.thread_id)) sockets.set(t.thread_id, new Set());
  sockets.get(t.thread_id).add(sock);
  const after = Number(url.searchParams.get("after_seq") ?? 0);
  for (const e of t.events) if (e.seq > after) wsSend(sock, e);
  let pending = Buffer.alloc(0);
  sock.on("data", (chunk) => {
    const { frames, rest } = wsFrames(Buffer.concat([pending, chunk]));
    pending = rest;
    for (const f of frames) {
      if (f.op === 8) return sock.end();
      if (f.op !== 1) continue;
      const msg = JSON.parse(f.text);
      if (msg.action === "resume") { void runScript(t, null, msg.resume, msg.interrupt_before ?? []); wsSend(sock, { type: "ack", request_id: msg.request_id }); }
      else if (msg.action === "start_run") { t.phase = "answered"; void runScript(t, msg.input, undefined, msg.interrupt_before ?? []); wsSend(sock, { type: "ack", request_id: msg.request_id }); }
      else if (msg.action === "fork") {
        const base = t.history.find((h) => h.checkpoint.checkpoint_id === msg.checkpoint_id);
        if (!base) { wsSend(sock, { type: "error", request_id: msg.request_id, reason: `Checkpoint ${msg.checkpoint_id} does not exist on this thread.` }); continue; }
        if (msg.values) checkpoint(t, base.metadata.step + 1, "update", base.next, { ...base.values, ...msg.values }, null, base.checkpoint.checkpoint_id);
        wsSend(sock, { type: "ack", request_id: msg.request_id, action: "fork", checkpoint_id: t.head });
      }
      else wsSend(sock, { type: "error", request_id: msg.request_id, reason: `The mock does not do ${msg.action}.` });
    }
  });
  sock.on("close", () => sockets.get(t.thread_id)?.delete(sock));
  sock.on("error", () => sockets.get(t.thread_id)?.delete(sock));
});

server.listen(PORT, "127.0.0.1", () => console.log(`mock Switchyard on http://127.0.0.1:${PORT}/ (graph ${demo.id})`));
