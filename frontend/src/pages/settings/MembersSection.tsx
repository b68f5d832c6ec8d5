import { useState } from "react";
import { addMember, listMembers, removeMember, setMemberRole, type Member } from "../../api/teams";
import type { Role } from "../../api/types";
import { ROLES } from "../../model/roles";
import { Banner } from "../../ui/Banner";
import { relativeTime } from "../../ui/time";
import { useAction } from "../../ui/useAction";
import { useKeptAsync } from "../../ui/useKeptAsync";
import { LoadError } from "./LoadError";

/** The workspace's members: change a role, remove someone, add an existing user (owners only). */
export function MembersSection({ workspace, me }: { workspace: string; me: string | undefined }) {
  const members = useKeptAsync((signal) => listMembers(workspace, signal), [workspace]);
  const action = useAction();
  const [removing, setRemoving] = useState<string | null>(null);
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const change = (fn: () => Promise<unknown>) => action.run(fn).then((ok) => ok && members.reload());
  return (
    <section className="settings-section" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {action.error && (
        <Banner tone="error" onDismiss={() => action.setError(null)}>
          {action.error}
        </Banner>
      )}
      <LoadError state={members} what="members" />
      {members.status === "ready" && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((m: Member) => (
              <tr key={m.username}>
                <td>
                  <strong>{m.username}</strong>
                  {m.username === me && <span className="muted"> (you)</span>}
                  {m.email && <div className="muted">{m.email}</div>}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${m.username}`}
                    value={m.role}
                    disabled={action.busy}
                    onChange={(e) => void change(() => setMemberRole(workspace, m.username, e.target.value as Role))}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{relativeTime(m.created_at)}</td>
                <td>
                  {removing === m.username ? (
                    <span className="btn-group" role="group" aria-label={`Confirm removing ${m.username}`}>
                      <button
                        type="button"
                        className="btn btn-sm btn-danger"
                        disabled={action.busy}
                        onClick={() => void change(() => removeMember(workspace, m.username)).then(() => setRemoving(null))}
                      >
                        Yes, remove {m.username}
                      </button>
                      <button type="button" className="btn btn-sm" onClick={() => setRemoving(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="btn btn-sm btn-danger" aria-label={`Remove ${m.username}`} onClick={() => setRemoving(m.username)}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="settings-form"
        aria-label="Add a member"
        onSubmit={(e) => {
          e.preventDefault();
          void change(() => addMember(workspace, username.trim(), role)).then((ok) => ok && setUsername(""));
        }}
      >
        <label className="field">
          <span>Username of an existing account</span>
          <input type="text" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn" disabled={action.busy || !username.trim()}>
          Add member
        </button>
      </form>
    </section>
  );
}
