/** Palette → canvas drag and drop; drops land where the pointer is, in flow coordinates. */
import { useCallback, type DragEvent } from "react";
import { useReactFlow } from "@xyflow/react";
import { useCatalog, useEditorApi } from "../EditorContext";
import { fieldsNamedByDefaults } from "../nodeFields";

export const DRAG_MIME = "application/x-switchyard-kind";

export function startKindDrag(e: DragEvent, kind: string, title: string): void {
  e.dataTransfer.setData(DRAG_MIME, JSON.stringify({ kind, title }));
  e.dataTransfer.effectAllowed = "move";
}

export function useDragAndDrop() {
  const { screenToFlowPosition } = useReactFlow();
  const api = useEditorApi();
  const { kinds } = useCatalog();

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(DRAG_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const raw = e.dataTransfer.getData(DRAG_MIME);
      if (!raw) return;
      e.preventDefault();
      const { kind, title } = JSON.parse(raw) as { kind: string; title: string };
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // Centre the new node under the pointer (nodes are about 200×60).
      const needs = fieldsNamedByDefaults(kinds.find((k) => k.kind === kind));
      api.getState().addNode(kind, title, { x: Math.round(p.x - 100), y: Math.round(p.y - 30) }, needs);
    },
    [api, screenToFlowPosition, kinds],
  );

  return { onDragOver, onDrop };
}
