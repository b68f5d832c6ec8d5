import { useEffect, useMemo, useState } from "react";
import { listThreadAudit, type AuditEntry } from "../api/teams";
import { ApiError } from "../api/http";
import { AUDIT_FILTERS, auditActors, auditComment, auditFilter, collapseAudit, describeAudit, filterAudit } from "../model/audit";
import { useKeptAsync } from "../ui/useKeptAsync";

/**
 * Who did what on the thread, newest first, filterable by action and actor. Given
 * `entries` (a share link) it filters those; otherwise it asks the server, again when
 * `refreshKey` changes.
 */
export function AuditPanel({ threadId, entries, refreshKey }: { threadId: string; entries?: readonly AuditEntry[]; refreshKey?: unknown }) {
  const [filterId, setFilterId] = useState("");
  const [actor, setActor] = useState("");
  const serverAction = auditFilter(filterId).serverAction;
  const fetched = useKeptAsync(
    (signal) => (entries ? Promise.resolve([]) : listThreadAudit(threadId, { action: serverAction, actor }, signal)),
    [threadId, entries, serverAction, actor, refreshKey],
  );
  const data = entries ?? fetched.data;
  const status = entries ? "ready" : fetched.status;
  // Remember everyone seen, so narrowing to one person does not empty the list of people.
  const [actors, setActors] = useState<string[]>([]);
  useEffect(() => {
    if (data) setActors((known) => [...new Set([...known, ...auditActors(data)])].sort());
  }, [data]);
  const shown = useMemo(() => filterAudit(collapseAudit(data ?? []), filterId, actor), [data, filterId, actor]);
  return (
    <section className="audit-panel" aria-label="Audit trail">
      <div className="btn-group wrap">
        <label className="field inline">
          <span>Action</span>
          <select value={filterId} onChange={(e) => setFilterId(e.target.value)}>
            {AUDIT_FILTERS.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Actor</span>
          <select value={actor} onChange={(e) => setActor(e.target.value)}>
            <option value="">Anyone</option>
            {actors.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        {!entries && (
          <button type="button" className="btn btn-sm" onClick={fetched.reload}>
            Refresh
          </button>
        )}
      </div>
      {status === "loading" && <p className="empty-inline">Loading the audit trail…</p>}
      {fetched.status === "error" && !entries && (
        <p className="empty-inline">
          {fetched.cause instanceof ApiError && fetched.cause.isMissing ? "The audit trail is not available on this server yet." : `Could not load the audit trail: ${fetched.error}`}
        </p>
      )}
      {status === "ready" &&
        (shown.length === 0 ? (
          <p className="empty-inline">Nothing recorded{filterId || actor ? " that matches" : " yet"}.</p>
        ) : (
          <table className="table audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={e.created_at} title={e.created_at}>
                      {new Date(e.created_at).toLocaleString()}
                    </time>
                  </td>
                  <td>{e.actor ?? "system"}</td>
                  <td title={e.action}>
                    {describeAudit(e)}
                    {auditComment(e) && <q className="audit-comment">{auditComment(e)}</q>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
