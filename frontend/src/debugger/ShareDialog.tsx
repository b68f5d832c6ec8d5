import { useEffect, useState } from "react";
import { createShareLink, listShareLinks, revokeShareLink, type CreatedShareLink, type ShareLink } from "../api/teams";
import { errorMessage } from "../api/http";
import { EXPIRY_OPTIONS, linkState } from "../model/sharing";
import { Banner } from "../ui/Banner";
import { Dialog } from "../ui/Dialog";
import { SecretOnce } from "../ui/SecretOnce";
import { relativeTime } from "../ui/time";

const STATE_LABEL = { live: "Active", revoked: "Revoked", expired: "Expired" } as const;

/** Make a read-only link to this thread (optionally expiring), and list or revoke the existing ones. */
export function ShareDialog({ threadId, open, onClose }: { threadId: string; open: boolean; onClose: () => void }) {
  const [links, setLinks] = useState<ShareLink[] | null>(null);
  const [expiry, setExpiry] = useState(0);
  const [created, setCreated] = useState<CreatedShareLink | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const reload = async () => {
    try {
      setLinks(await listShareLinks(threadId));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  useEffect(() => {
    if (!open) return;
    setCreated(null);
    setError(null);
    void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, threadId]);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Share this thread" open={open} onClose={onClose} wide>
      <p className="muted">
        Anyone with the link can see this thread's graph, checkpoints, state, events, comments and audit trail, without an account. They cannot run, review
        or change anything.
      </p>
      {error && <Banner tone="error">{error}</Banner>}
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const link = await createShareLink(threadId, EXPIRY_OPTIONS[expiry]?.seconds ?? null);
            setCreated(link);
            await reload();
          });
        }}
      >
        <label className="field">
          <span>Link expires</span>
          <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {EXPIRY_OPTIONS.map((o, i) => (
              <option key={o.label} value={i}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Create link
        </button>
      </form>
      {created && <SecretOnce label="Share link" value={created.url} note="Copy it now: it is shown only once. Revoke it below to stop it working." />}
      <h3 className="dialog-subtitle">Links to this thread</h3>
      {links === null && !error && <p className="empty-inline">Loading links…</p>}
      {links && links.length === 0 && <p className="empty-inline">No links yet.</p>}
      {links && links.length > 0 && (
        <ul className="link-list" aria-label="Share links">
          {links.map((l) => {
            const state = linkState(l);
            const what = `link created ${relativeTime(l.created_at)}${l.created_by ? ` by ${l.created_by}` : ""}`;
            return (
              <li key={l.id} className="link-row">
                <span className="grow">
                  {what[0]!.toUpperCase() + what.slice(1)}
                  <span className="muted">
                    {" · "}
                    {l.expires_at ? `${state === "expired" ? "expired" : "expires"} ${new Date(l.expires_at).toLocaleString()}` : "never expires"}
                  </span>
                </span>
                <span className={`tag link-${state}`}>{STATE_LABEL[state]}</span>
                {state === "live" && (
                  <button
                    type="button"
                    className="btn btn-sm btn-danger"
                    disabled={busy}
                    aria-label={`Revoke ${what}`}
                    onClick={() =>
                      void run(async () => {
                        await revokeShareLink(l.id);
                        await reload();
                      })
                    }
                  >
                    Revoke
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Dialog>
  );
}
