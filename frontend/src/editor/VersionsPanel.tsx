import { useState } from "react";
import { getVersion, listVersions } from "../api/graphs";
import { ApiError, errorMessage } from "../api/http";
import { useAsync } from "../ui/useAsync";
import { Loading } from "../ui/Spinner";
import { relativeTime } from "../ui/time";
import { canvasToSpec } from "../model/convert";
import type { GraphSpec } from "../model/graphspec";
import type { GraphVersion } from "../api/types";
import { useEditor, useEditorApi } from "./EditorContext";
import { diffSpecs } from "./versionDiff";
import "./diff.css";

const DRAFT = "draft";

export function VersionsPanel({ onPublish, refreshKey }: { onPublish: () => void; refreshKey: number }) {
  const api = useEditorApi();
  const graphId = useEditor((s) => s.graphId);
  const readOnly = useEditor((s) => s.readOnly);
  const versions = useAsync((signal) => listVersions(graphId, signal), [graphId, refreshKey]);
  const [error, setError] = useState<string | null>(null);
  const { compare, busy } = useCompare(setError);
  const restore = async (n: number) => {
    setError(null);
    try {
      const v = await getVersion(graphId, n);
      if (v.spec) api.getState().replaceSpec(v.spec);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section aria-label="Versions">
      {!readOnly && (
        <button type="button" className="btn btn-primary" onClick={onPublish}>
          Publish a version…
        </button>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
      {versions.status === "loading" && <Loading label="Loading versions…" />}
      {versions.status === "error" && (
        <p className="empty-inline">
          {versions.cause instanceof ApiError && versions.cause.isMissing ? "Versions are not available on this server yet." : versions.error}
        </p>
      )}
      {versions.status === "ready" && versions.data.length === 0 && (
        <p className="empty-inline">No versions yet. Publish one to freeze the draft so runs and teammates can use it.</p>
      )}
      {versions.status === "ready" && versions.data.length > 0 && <CompareVersions versions={versions.data} onError={setError} />}
      {versions.status === "ready" && versions.data.length > 0 && (
        <ol className="versions" reversed>
          {versions.data.map((v) => (
            <li key={v.number} className="version">
              <div>
                <strong>v{v.number}</strong> <span className="muted">{relativeTime(v.created_at)}{v.author ? ` by ${v.author}` : ""}</span>
              </div>
              {v.note && <p>{v.note}</p>}
              <div className="btn-group">
                <button type="button" className="btn btn-sm" disabled={busy} onClick={() => void compare(String(v.number), DRAFT)}>
                  Compare v{v.number} with the draft
                </button>
                {!readOnly && (
                  <button type="button" className="btn btn-sm" onClick={() => void restore(v.number)}>
                    Restore v{v.number} into the draft
                  </button>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Open the diff of two sides ("draft" or a version number) on the canvas. */
function useCompare(onError: (e: string | null) => void) {
  const api = useEditorApi();
  const graphId = useEditor((s) => s.graphId);
  const [busy, setBusy] = useState(false);
  const label = (ref: string) => (ref === DRAFT ? "Current draft" : `v${ref}`);
  const specOf = async (ref: string): Promise<GraphSpec> => {
    if (ref === DRAFT) return canvasToSpec(api.getState().history.present);
    const v = await getVersion(graphId, Number(ref));
    if (!v.spec) throw new Error(`Version ${ref} has no spec.`);
    return v.spec;
  };
  const compare = async (from: string, to: string) => {
    onError(null);
    setBusy(true);
    try {
      const [a, b] = await Promise.all([specOf(from), specOf(to)]);
      api.getState().openDiff(label(from), label(to), diffSpecs(a, b));
    } catch (e) {
      onError(`Could not compare: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return { compare, busy };
}

/** Pick two sides (versions or the current draft) and show their diff on the canvas. */
function CompareVersions({ versions, onError }: { versions: GraphVersion[]; onError: (e: string | null) => void }) {
  const numbers = versions.map((v) => v.number).sort((a, b) => b - a);
  const [from, setFrom] = useState(String(numbers[0]));
  const [to, setTo] = useState(DRAFT);
  const { compare: open, busy } = useCompare(onError);
  const compare = () => open(from, to);
  const options = (
    <>
      <option value={DRAFT}>Current draft</option>
      {numbers.map((n) => (
        <option key={n} value={String(n)}>
          v{n}
        </option>
      ))}
    </>
  );
  return (
    <form
      className="version-compare"
      aria-label="Compare versions"
      onSubmit={(e) => {
        e.preventDefault();
        void compare();
      }}
    >
      <h3>Compare</h3>
      <label className="field">
        <span>From (older)</span>
        <select value={from} onChange={(e) => setFrom(e.target.value)}>
          {options}
        </select>
      </label>
      <label className="field">
        <span>To (newer)</span>
        <select value={to} onChange={(e) => setTo(e.target.value)}>
          {options}
        </select>
      </label>
      <button type="submit" className="btn btn-sm" disabled={busy || from === to}>
        {busy ? "Comparing…" : "Show diff on canvas"}
      </button>
    </form>
  );
}
