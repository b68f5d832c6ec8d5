/** How each node kind looks in the palette and on the canvas. */
export interface KindStyle {
  glyph: string;
  color: string;
}

const STYLES: Record<string, KindStyle> = {
  llm: { glyph: "AI", color: "#7c3aed" },
  tools: { glyph: "TL", color: "#0891b2" },
  router: { glyph: "RT", color: "#c2410c" },
  human: { glyph: "HU", color: "#d97706" },
  transform: { glyph: "fx", color: "#0d9488" },
  http: { glyph: "API", color: "#2563eb" },
  python: { glyph: "Py", color: "#4d7c0f" },
  subgraph: { glyph: "SG", color: "#db2777" },
};

export function kindStyle(kind: string): KindStyle {
  return STYLES[kind] ?? { glyph: kind.slice(0, 2).toUpperCase(), color: "#475569" };
}
