/**
 * The editor's store: the canvas document under undo/redo, selection, the
 * draft's save state and validation problems. Created per graph by a factory so
 * two editors never share state.
 */
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { createStore } from "zustand/vanilla";
import type { DraftConflict, Problem } from "../api/types";
import {
  addStepNode,
  changeEdgeKind,
  connect,
  copySelection,
  moveNodes,
  paste,
  removeElements,
  setRouteDefault,
  toggleBreakpoint,
  updateEdgeData,
  updateNodeData,
  type Clipboard,
  type EdgeKind,
} from "../model/canvasOps";
import type { CanvasDoc, CanvasEdge, CanvasEdgeData, CanvasMeta, CanvasNode, JsonObject, StepNodeData } from "../model/canvas";
import { canvasToSpec, specToCanvas } from "../model/convert";
import type { GraphSpec, Position, StateField } from "../model/graphspec";
import { canRedo, canUndo, createHistory, push, redo, replacePresent, seal, undo, type History } from "../model/history";
import { layoutGraph } from "../model/layout";
import { forgetPresetHandles, measuredIds, withFrames } from "../canvas/frames";
import type { DiffView } from "./versionDiff";
import { addedFieldsNotice, missingFields } from "./nodeFields";

export type SaveStatus = "saved" | "dirty" | "saving" | "error" | "conflict" | "read-only";
export type PanelTab = "properties" | "state" | "problems" | "versions";

/** Two versions (or a version and the draft) compared on the canvas; editing waits meanwhile. */
export interface DiffSession {
  fromLabel: string;
  toLabel: string;
  view: DiffView;
  /** The node a clicked change points at. */
  focus: { id: string; nonce: number } | null;
}

export interface FocusRequest {
  kind: "node" | "edge";
  id: string;
  nonce: number;
}

export interface EditorState {
  graphId: string;
  readOnly: boolean;
  history: History<CanvasDoc>;
  /** The revision our last successful save (or load) was based on. */
  draftRevision: number;
  /** JSON of the spec last known to be on the server, to tell whether we are dirty. */
  savedSpecJson: string;
  saveStatus: SaveStatus;
  saveError: string | null;
  conflict: DraftConflict | null;
  problems: Problem[];
  /** The spec the problems refer to (their JSON pointers index into it). */
  problemsSpec: GraphSpec | null;
  validation: "idle" | "running" | "ok" | "unavailable" | "error";
  clipboard: Clipboard | null;
  tab: PanelTab;
  focus: FocusRequest | null;
  highlightedField: number | null;
  /** A node drag is in progress: autosave and validation wait for it to end. */
  dragging: boolean;
  /** The version diff shown instead of the editable canvas, if any. */
  diff: DiffSession | null;
  /** A short message about something the editor did on the user's behalf. */
  notice: { text: string; nonce: number } | null;
}

export interface EditorActions {
  onNodesChange: (changes: NodeChange<CanvasNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<CanvasEdge>[]) => void;
  connect: (source: string, target: string) => void;
  /** Add a node; `needs` are state fields its default config names, added with it when missing. */
  addNode: (kind: string, label: string, position: Position, needs?: readonly StateField[]) => string | null;
  updateNode: (id: string, patch: Partial<Pick<StepNodeData, "label" | "config" | "retry">>, coalesceKey?: string) => void;
  /** Schema defaults a form filled in by itself: no undo step of their own. */
  fillNodeDefaults: (id: string, config: JsonObject) => void;
  updateEdge: (id: string, patch: Partial<Omit<CanvasEdgeData, "kind">>, coalesceKey?: string) => void;
  changeEdgeKind: (id: string, kind: EdgeKind) => void;
  setRouteDefault: (id: string) => void;
  toggleBreakpoint: (nodeId: string, when: "before" | "after") => void;
  setStateFields: (fields: StateField[], coalesceKey?: string) => void;
  setMeta: (patch: Partial<Pick<CanvasMeta, "name" | "description">>, coalesceKey?: string) => void;
  deleteSelection: () => void;
  copy: () => boolean;
  cut: () => void;
  /** Paste `from` (nodes from another tab or graph) or what was copied here last. */
  paste: (from?: Clipboard, offset?: Position) => void;
  selectAll: () => void;
  select: (sel: { nodes?: string[]; edges?: string[] }) => void;
  undo: () => void;
  redo: () => void;
  autoLayout: () => void;
  /** Replace the whole document as one undoable step (import, restore a version). */
  replaceSpec: (spec: GraphSpec) => void;
  markSaving: () => void;
  markSaved: (specJson: string, revision: number) => void;
  markSaveError: (message: string) => void;
  setConflict: (c: DraftConflict) => void;
  /** Conflict resolution: overwrite theirs with our document on the next save. */
  keepMine: () => void;
  /** Conflict resolution: drop our edits and load theirs. */
  takeTheirs: () => void;
  setProblems: (problems: Problem[], spec: GraphSpec) => void;
  setValidation: (v: EditorState["validation"]) => void;
  setTab: (tab: PanelTab) => void;
  focusElement: (kind: "node" | "edge", id: string) => void;
  highlightField: (index: number | null) => void;
  dismissNotice: () => void;
  /** End the current undo step: the next edit, even of the same field, is a new one (a field was left). */
  sealHistory: () => void;
  openDiff: (fromLabel: string, toLabel: string, view: DiffView) => void;
  closeDiff: () => void;
  focusDiffNode: (id: string) => void;
}

export type EditorStore = EditorState & EditorActions;

export interface EditorInit {
  graphId: string;
  spec: GraphSpec;
  draftRevision: number;
  readOnly: boolean;
}

const DEFAULT_SIZE = { width: 200, height: 64 };
/** Edits of one field this close together are one undo step (typing); slower ones are not. */
export const COALESCE_MS = 1500;

export function selectedIds(doc: CanvasDoc): { nodes: string[]; edges: string[] } {
  return { nodes: doc.nodes.filter((n) => n.selected).map((n) => n.id), edges: doc.edges.filter((e) => e.selected).map((e) => e.id) };
}

function withSelection(doc: CanvasDoc, nodes: Set<string>, edges: Set<string>): CanvasDoc {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (Boolean(n.selected) === nodes.has(n.id) ? n : { ...n, selected: nodes.has(n.id) })),
    edges: doc.edges.map((e) => (Boolean(e.selected) === edges.has(e.id) ? e : { ...e, selected: edges.has(e.id) })),
  };
}

/** The canvas of a spec, its nodes framed for React Flow's first render. */
function canvasOf(spec: GraphSpec): CanvasDoc {
  const doc = specToCanvas(spec);
  return { ...doc, nodes: withFrames(doc.nodes) };
}

export function createEditorStore(init: EditorInit) {
  const doc = canvasOf(init.spec);
  const savedSpecJson = JSON.stringify(canvasToSpec(doc));
  return createStore<EditorStore>()((set, get) => {
    /** Apply a document edit as an undo step (or coalesced into the previous one). */
    let lastEditAt = 0;
    const edit = (fn: (d: CanvasDoc) => CanvasDoc, key: string | null = null) => {
      const s = get();
      if (s.readOnly || s.diff) return;
      const next = fn(s.history.present);
      if (next === s.history.present) return;
      // Only rapid edits of the same thing share a step: after a pause, a new one starts.
      const now = Date.now();
      const history = now - lastEditAt > COALESCE_MS ? seal(s.history) : s.history;
      lastEditAt = now;
      set({ history: push(history, next, key) });
    };
    /** Change the present without an undo step (selection, measured sizes). */
    const quiet = (fn: (d: CanvasDoc) => CanvasDoc) => {
      const s = get();
      set({ history: replacePresent(s.history, fn(s.history.present)) });
    };

    return {
      graphId: init.graphId,
      readOnly: init.readOnly,
      history: createHistory(doc),
      draftRevision: init.draftRevision,
      savedSpecJson,
      saveStatus: init.readOnly ? "read-only" : "saved",
      saveError: null,
      conflict: null,
      problems: [],
      problemsSpec: null,
      validation: "idle",
      clipboard: null,
      tab: "properties",
      focus: null,
      highlightedField: null,
      dragging: false,
      diff: null,
      notice: null,

      onNodesChange: (changes) => {
        const removed = changes.filter((c) => c.type === "remove").map((c) => c.id);
        if (removed.length) edit((d) => removeElements(d, removed));
        const moves = changes.filter((c) => c.type === "position" && c.position);
        const rest = changes.filter((c) => c.type !== "remove" && !(c.type === "position" && c.position));
        if (moves.length && !get().readOnly) {
          const positions: Record<string, Position> = {};
          let dragging = false;
          for (const c of moves) {
            if (c.type === "position" && c.position) {
              positions[c.id] = c.position;
              dragging ||= Boolean(c.dragging);
            }
          }
          // One drag gesture is one undo step (one store update per pointer move).
          const s = get();
          const next = moveNodes(s.history.present, positions);
          let history = next === s.history.present ? s.history : push(s.history, next, "drag");
          if (!dragging) history = seal(history);
          if (history !== s.history || dragging !== s.dragging) set({ history, dragging });
        }
        if (rest.length) quiet((d) => ({ ...d, nodes: forgetPresetHandles(applyNodeChanges(rest, d.nodes), measuredIds(rest)) }));
      },
      onEdgesChange: (changes) => {
        const removed = changes.filter((c) => c.type === "remove").map((c) => c.id);
        if (removed.length) edit((d) => removeElements(d, [], removed));
        const rest = changes.filter((c) => c.type !== "remove");
        if (rest.length) quiet((d) => ({ ...d, edges: applyEdgeChanges(rest, d.edges) }));
      },
      connect: (source, target) => edit((d) => connect(d, source, target).doc),
      addNode: (kind, label, position, needs = []) => {
        if (get().readOnly || get().diff) return null;
        const r = addStepNode(get().history.present, kind, label, position);
        const added = missingFields(needs, r.doc.state);
        const withFields = added.length ? { ...r.doc, state: [...r.doc.state, ...added] } : r.doc;
        const sel = withSelection(withFields, new Set([r.id]), new Set());
        const notice = added.length ? { text: addedFieldsNotice(added, label), nonce: (get().notice?.nonce ?? 0) + 1 } : get().notice;
        set({ history: push(get().history, sel), tab: "properties", notice });
        return r.id;
      },
      updateNode: (id, patch, key) => edit((d) => updateNodeData(d, id, patch), key ? `node:${id}:${key}` : null),
      fillNodeDefaults: (id, config) => {
        if (!get().readOnly) quiet((d) => updateNodeData(d, id, { config }));
      },
      updateEdge: (id, patch, key) => edit((d) => updateEdgeData(d, id, patch), key ? `edge:${id}:${key}` : null),
      changeEdgeKind: (id, kind) => {
        edit((d) => changeEdgeKind(d, id, kind));
        // The converted edge has a new id; keep it selected so the panel stays on it.
        const before = get().history.past.at(-1);
        const old = before?.edges.find((e) => e.id === id);
        const now = get().history.present.edges.find((e) => old && e.source === old.source && e.target === old.target && e.data?.kind === kind);
        if (now) quiet((d) => withSelection(d, new Set(), new Set([now.id])));
      },
      setRouteDefault: (id) => edit((d) => setRouteDefault(d, id)),
      toggleBreakpoint: (nodeId, when) => edit((d) => toggleBreakpoint(d, nodeId, when)),
      setStateFields: (fields, key) => edit((d) => ({ ...d, state: fields }), key ? `state:${key}` : null),
      setMeta: (patch, key) => edit((d) => ({ ...d, meta: { ...d.meta, ...patch } }), key ? `meta:${key}` : null),
      deleteSelection: () => {
        const { nodes, edges } = selectedIds(get().history.present);
        edit((d) => removeElements(d, nodes, edges));
      },
      copy: () => {
        const d = get().history.present;
        const clip = copySelection(d, selectedIds(d).nodes);
        if (clip) set({ clipboard: clip });
        return clip !== null;
      },
      cut: () => {
        if (get().copy()) get().deleteSelection();
      },
      paste: (from, offset) => {
        if (from) set({ clipboard: from });
        const clip = get().clipboard;
        if (!clip) return;
        edit((d) => paste(d, clip, offset).doc);
        // Pasting again offsets from the copies, not the originals.
        set({ clipboard: { ...clip, nodes: clip.nodes.map((n) => ({ ...n, position: { x: n.position.x + 40, y: n.position.y + 40 } })) } });
      },
      selectAll: () => quiet((d) => withSelection(d, new Set(d.nodes.map((n) => n.id)), new Set(d.edges.map((e) => e.id)))),
      select: (sel) => quiet((d) => withSelection(d, new Set(sel.nodes ?? []), new Set(sel.edges ?? []))),
      undo: () => {
        if (!get().readOnly && !get().diff && canUndo(get().history)) set({ history: undo(get().history) });
      },
      redo: () => {
        if (!get().readOnly && !get().diff && canRedo(get().history)) set({ history: redo(get().history) });
      },
      autoLayout: () =>
        edit((d) => {
          const sizes = d.nodes.map((n) => ({
            id: n.id,
            width: n.measured?.width ?? n.width ?? DEFAULT_SIZE.width,
            height: n.measured?.height ?? n.height ?? DEFAULT_SIZE.height,
          }));
          return moveNodes(d, layoutGraph(sizes, d.edges));
        }),
      replaceSpec: (spec) => edit(() => canvasOf(spec)),
      markSaving: () => set({ saveStatus: "saving", saveError: null }),
      markSaved: (specJson, revision) => set({ savedSpecJson: specJson, draftRevision: revision, saveStatus: "saved", saveError: null }),
      markSaveError: (message) => set({ saveStatus: "error", saveError: message }),
      setConflict: (conflict) => set({ conflict, saveStatus: "conflict" }),
      keepMine: () => {
        const c = get().conflict;
        if (!c) return;
        // Saving against their revision overwrites their draft with ours.
        set({ conflict: null, draftRevision: c.draft_revision, savedSpecJson: JSON.stringify(c.spec), saveStatus: "dirty" });
      },
      takeTheirs: () => {
        const c = get().conflict;
        if (!c) return;
        const theirs = canvasOf(c.spec);
        set({
          conflict: null,
          history: push(get().history, theirs),
          draftRevision: c.draft_revision,
          savedSpecJson: JSON.stringify(canvasToSpec(theirs)),
          saveStatus: "saved",
        });
      },
      setProblems: (problems, spec) => set({ problems, problemsSpec: spec, validation: "ok" }),
      setValidation: (validation) => set({ validation }),
      setTab: (tab) => set({ tab }),
      focusElement: (kind, id) => {
        quiet((d) => withSelection(d, new Set(kind === "node" ? [id] : []), new Set(kind === "edge" ? [id] : [])));
        set({ focus: { kind, id, nonce: (get().focus?.nonce ?? 0) + 1 } });
      },
      highlightField: (index) => set({ highlightedField: index, tab: index === null ? get().tab : "state" }),
      dismissNotice: () => set({ notice: null }),
      sealHistory: () => set({ history: seal(get().history) }),
      openDiff: (fromLabel, toLabel, view) => set({ diff: { fromLabel, toLabel, view, focus: null } }),
      closeDiff: () => set({ diff: null, tab: "versions" }),
      focusDiffNode: (id) => {
        const d = get().diff;
        if (d) set({ diff: { ...d, focus: { id, nonce: (d.focus?.nonce ?? 0) + 1 } } });
      },
    };
  });
}

export type EditorStoreApi = ReturnType<typeof createEditorStore>;
