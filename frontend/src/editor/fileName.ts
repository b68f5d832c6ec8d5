/** Safe download names that keep the graph's own words. */

// Characters Windows, macOS or Linux refuse in a file name, control characters, and
// whitespace runs (collapsed to one underscore).
const INVALID = /[\\/:*?"<>|\u0000-\u001f\u007f]+|\s+/gu;

/** "Audit graph ✓ ünïcødé" → "Audit_graph_✓_ünïcødé.json": Unicode kept, only invalid characters replaced. */
export function exportFileName(name: string, ext = ".json"): string {
  let base = name.normalize("NFC").replace(INVALID, "_").replace(/_+/g, "_").replace(/^[_.]+|[_.]+$/g, "");
  // Names Windows reserves, whatever the extension.
  if (/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(base)) base = `${base}_`;
  // Most file systems allow 255 bytes; stay well below in UTF-16 units.
  base = Array.from(base).slice(0, 120).join("");
  return `${base || "graph"}${ext}`;
}
