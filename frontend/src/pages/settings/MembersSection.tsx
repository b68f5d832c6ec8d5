import { useState } from "react";
import { addMember, listMembers, removeMember, setMemberRole, type Member } from "../../api/teams";
import type { Role } from "../../api/types";
import { ROLES } from "../../model/roles";
import { relativeTime } from "../../ui/time";
import { useAction } from "../../ui/useAction";
import { useKeptAsync } from "../../ui/useKeptAsync";
import { ConfirmButton, SettingsSection, SettingsTable } from "./SettingsParts";

/** The workspace's members: change a role, remove someone, add an existing user (owners only). */
export function MembersSection({ workspace, me }: { workspace: string; me: string | undefined }) {
  const members = useKeptAsync((signal) => listMembers(workspace, signal), [workspace]);
  const action = useAction();
  const [removing, setRemoving] = useState<string | null>(null);
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const change = (fn: () => Promise<unknown>) => action.run(fn).then((ok) => ok && members.reload());
  return (
    <SettingsSection id="members" title="Members" action={action}>
      <SettingsTable
        state={members}
        what="members"
        columns={["Member", "Role", "Since"]}
        keyOf={(m: Member) => m.username}
        row={(m: Member) => (
          <>
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
              <ConfirmButton
                confirming={removing === m.username}
                onAsk={() => setRemoving(m.username)}
                onKeep={() => setRemoving(null)}
                onConfirm={() => void change(() => removeMember(workspace, m.username)).then(() => setRemoving(null))}
                busy={action.busy}
                text="Remove"
                label={`Remove ${m.username}`}
                groupLabel={`Confirm removing ${m.username}`}
                confirmText={`Yes, remove ${m.username}`}
              />
            </td>
          </>
        )}
      />
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
    </SettingsSection>
  );
}
