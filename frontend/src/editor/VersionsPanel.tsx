import { useState } from "react";
import { getVersion, listVersions } from "../api/graphs";
import { ApiError, errorMessage } from "../api/http";
import { useAsync } from "../ui/useAsync";
import { Loading } from "../ui/Spinner";
import { relativeTime } from "../ui/time";
import { useEditor, useEditorApi } from "./EditorContext";

export function VersionsPanel({ onPublish, refreshKey }: { onPublish: () => void; refreshKey: number }) {
  const api = useEditorApi();
  const graphId = useEditor((s) => s.graphId);
  const readOnly = useEditor((s) => s.readOnly);
  const versions = useAsync((signal) => listVersions(graphId, signal), [graphId, refreshKey]);
  const [error, setError] = useState<string | null>(null);
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
      {versions.status === "ready" && versions.data.length > 0 && (
        <ol className="versions" reversed>
          {versions.data.map((v) => (
            <li key={v.number} className="version">
              <div>
                <strong>v{v.number}</strong> <span className="muted">{relativeTime(v.created_at)}{v.author ? ` by ${v.author}` : ""}</span>
              </div>
              {v.note && <p>{v.note}</p>}
              {!readOnly && (
                <button type="button" className="btn btn-sm" onClick={() => void restore(v.number)}>
                  Restore v{v.number} into the draft
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
