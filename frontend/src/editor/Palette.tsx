import { useReactFlow } from "@xyflow/react";
import { useCatalog, useEditorApi } from "./EditorContext";
import { startKindDrag } from "./hooks/useDragAndDrop";
import { kindStyle } from "../canvas/kinds";
import { fieldsNamedByDefaults } from "./nodeFields";

/** Node kinds from the catalog: drag onto the canvas, or press to add in the middle of the view. */
export function Palette() {
  const { kinds, fallback } = useCatalog();
  const api = useEditorApi();
  const { screenToFlowPosition } = useReactFlow();
  const addAtCentre = (kind: string, title: string) => {
    const el = document.querySelector(".canvas");
    const r = el?.getBoundingClientRect();
    const p = r ? screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 }) : { x: 0, y: 0 };
    const jitter = Math.round(Math.random() * 40 - 20);
    const info = kinds.find((k) => k.kind === kind);
    api.getState().addNode(kind, title, { x: Math.round(p.x - 100 + jitter), y: Math.round(p.y - 30 + jitter) }, fieldsNamedByDefaults(info));
  };
  return (
    <aside className="palette" aria-label="Node kinds">
      <h3>Nodes</h3>
      <p className="palette-hint">Drag onto the canvas, or press to add.</p>
      {fallback && <p className="palette-hint warn">The node catalog is unavailable; showing built-in kinds.</p>}
      <ul>
        {kinds.map((k) => {
          const style = kindStyle(k.kind);
          return (
            <li key={k.kind}>
              <button
                type="button"
                className="palette-item"
                draggable
                onDragStart={(e) => startKindDrag(e, k.kind, k.title)}
                onClick={() => addAtCentre(k.kind, k.title)}
                aria-label={`Add ${k.title} node`}
                title={k.description}
                style={{ ["--kind-color" as string]: style.color }}
              >
                <span className="flow-node-glyph" aria-hidden="true">
                  {style.glyph}
                </span>
                <span className="palette-text">
                  <span className="palette-title">{k.title}</span>
                  <span className="palette-desc">{k.description}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
