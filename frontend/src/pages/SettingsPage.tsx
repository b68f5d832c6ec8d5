import { useSession, useWorkspaceRole } from "../app/SessionContext";
import { roleAllows } from "../model/roles";
import { EmptyState } from "../ui/EmptyState";
import { Loading } from "../ui/Spinner";
import { ApiKeysSection } from "./settings/ApiKeysSection";
import { CredentialsSection } from "./settings/CredentialsSection";
import { InvitationsSection } from "./settings/InvitationsSection";
import { MembersSection } from "./settings/MembersSection";

/** /app/settings: the selected workspace's people and secrets (owners), and the user's own API keys. */
export function SettingsPage() {
  const status = useSession((s) => s.status);
  const workspace = useSession((s) => s.workspace);
  const workspaces = useSession((s) => s.workspaces);
  const me = useSession((s) => s.user?.username);
  const role = useWorkspaceRole();
  const name = workspaces.find((w) => w.slug === workspace)?.name ?? workspace;
  if (status === "loading" || status === "idle") return <Loading label="Loading your workspaces…" />;
  const owner = !!workspace && roleAllows(role, "manage");
  return (
    <div className="app-page">
      <div className="app-page-header">
        <h1>Settings{name ? ` · ${name}` : ""}</h1>
        {workspace && <span className="tag">your role: {role}</span>}
      </div>
      {!workspace && <EmptyState title="No workspace selected">Join or create a workspace to manage its members and credentials.</EmptyState>}
      {workspace && !owner && (
        <p className="muted">Only the workspace's owners manage its members, invitations and LLM credentials. Ask an owner to change your role.</p>
      )}
      {owner && workspace && (
        <>
          <MembersSection key={`m-${workspace}`} workspace={workspace} me={me} />
          <InvitationsSection key={`i-${workspace}`} workspace={workspace} />
          <CredentialsSection key={`c-${workspace}`} workspace={workspace} />
        </>
      )}
      <ApiKeysSection workspace={workspace} />
    </div>
  );
}
