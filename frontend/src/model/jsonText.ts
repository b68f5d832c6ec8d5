/** Parse JSON typed by a person, saying where it breaks (line and column, 1-based). */

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

/** Line and column (1-based) of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

export function parseJsonText(text: string): JsonTextResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const raw = (e as Error).message;
    // V8 says "… at position N (line L column C)" or, at the end, "Unexpected end of JSON input".
    const lc = /line (\d+) column (\d+)/.exec(raw);
    const pos = /position (\d+)/.exec(raw);
    const where = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : lineColumn(text, pos ? Number(pos[1]) : text.length);
    const message = raw.replace(/\s*(in JSON )?at position \d+.*$/, "").replace(/^JSON\.parse: /, "") || "Invalid JSON";
    return { ok: false, message, ...where };
  }
}

/** The problem in words, for an alert: "Line 1, column 38: Expected ',' or '}' after property value". */
export function describeJsonError(r: { message: string; line: number; column: number }): string {
  return `Line ${r.line}, column ${r.column}: ${r.message}`;
}
