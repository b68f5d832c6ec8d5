import { useState } from "react";
import { createInvitation, listInvitations, revokeInvitation, type CreatedInvitation } from "../../api/teams";
import type { Role } from "../../api/types";
import { ROLES } from "../../model/roles";
import { INVITATION_EXPIRY, invitationState } from "../../model/sharing";
import { SecretOnce } from "../../ui/SecretOnce";
import { relativeTime } from "../../ui/time";
import { useAction } from "../../ui/useAction";
import { useKeptAsync } from "../../ui/useKeptAsync";
import { SettingsSection, SettingsTable } from "./SettingsParts";

const STATE_LABEL = { pending: "Pending", accepted: "Accepted", revoked: "Revoked", expired: "Expired" } as const;

/** Invite people by link with a role; the link is shown once. Owners only. */
export function InvitationsSection({ workspace }: { workspace: string }) {
  const invitations = useKeptAsync((signal) => listInvitations(workspace, signal), [workspace]);
  const action = useAction();
  const [role, setRole] = useState<Role>("viewer");
  const [expiry, setExpiry] = useState(1);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  return (
    <SettingsSection
      id="invitations"
      title="Invitations"
      intro={<p className="muted">Whoever opens an invitation link joins this workspace with its role: with their account, or with a new one they create from the link. Each link works once.</p>}
      action={action}
    >
      <form
        className="settings-form"
        aria-label="Create an invitation"
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(async () => setCreated(await createInvitation(workspace, role, INVITATION_EXPIRY[expiry]?.seconds)))
            .then((ok) => ok && invitations.reload());
        }}
      >
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
        <label className="field">
          <span>Expires after</span>
          <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {INVITATION_EXPIRY.map((o, i) => (
              <option key={o.label} value={i}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          Create invitation
        </button>
      </form>
      {created && <SecretOnce label="Invitation link" value={created.url} note={`Send it to the person you invite as ${created.role}. It is shown only once.`} />}
      <SettingsTable
        state={invitations}
        what="invitations"
        empty="No invitations yet."
        columns={["Role", "Created", "Status"]}
        keyOf={(inv) => inv.id}
        row={(inv) => {
          const state = invitationState(inv);
          const label = `invitation as ${inv.role} created ${relativeTime(inv.created_at)}`;
          return (
            <>
              <td>{inv.role}</td>
              <td>
                {relativeTime(inv.created_at)}
                {inv.created_by && <span className="muted"> by {inv.created_by}</span>}
              </td>
              <td>
                <span className="tag">{STATE_LABEL[state]}</span>
                {state === "accepted" && inv.accepted_by && <span className="muted"> by {inv.accepted_by}</span>}
                {state === "pending" && <span className="muted"> until {new Date(inv.expires_at).toLocaleDateString()}</span>}
              </td>
              <td>
                {state === "pending" && (
                  <button
                    type="button"
                    className="btn btn-sm btn-danger"
                    aria-label={`Revoke ${label}`}
                    disabled={action.busy}
                    onClick={() => void action.run(() => revokeInvitation(workspace, inv.id)).then((ok) => ok && invitations.reload())}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </>
          );
        }}
      />
    </SettingsSection>
  );
}
