import { useState } from "react";
import { errorMessage } from "../api/http";
import { logout } from "../api/me";
import { Link, useRouter } from "./router";
import "./topbar.css";
import { useSession } from "./SessionContext";
import { Banner } from "../ui/Banner";

const NAV = [
  { href: "/app/graphs", label: "Graphs", pages: ["graphs", "graph"] },
  { href: "/app/threads", label: "Threads", pages: ["threads", "thread"] },
  { href: "/app/inbox", label: "Inbox", pages: ["inbox"] },
  { href: "/app/settings", label: "Settings", pages: ["settings"] },
] as const;

export function TopBar() {
  const { route } = useRouter();
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  const error = useSession((s) => s.error);
  return (
    <>
      <header className="topbar">
        <Link href="/app/graphs" className="brand" aria-label="Switchyard home">
          <span className="brand-mark" aria-hidden="true">⇄</span> Switchyard
        </Link>
        <nav aria-label="Main" className="topnav">
          {NAV.map((item) => {
            const current = (item.pages as readonly string[]).includes(route.page);
            return (
              <Link key={item.href} href={item.href} className="topnav-link" aria-current={current ? "page" : undefined}>
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="topbar-right">
          <WorkspaceSwitcher />
          {user && (
            <span className="user" aria-label={`Signed in as ${user.username}`}>
              {user.username}
            </span>
          )}
          <LogoutButton />
        </div>
      </header>
      {status === "error" && <Banner tone="error">Could not load your account and workspaces: {error}</Banner>}
    </>
  );
}

function WorkspaceSwitcher() {
  const workspaces = useSession((s) => s.workspaces);
  const workspace = useSession((s) => s.workspace);
  const select = useSession((s) => s.selectWorkspace);
  if (workspaces.length === 0) return null;
  return (
    <label className="ws-switcher">
      <span className="visually-hidden">Workspace</span>
      <select aria-label="Workspace" value={workspace ?? ""} onChange={(e) => select(e.target.value)}>
        {workspaces.map((w) => (
          <option key={w.slug} value={w.slug}>
            {w.name} ({w.role})
          </option>
        ))}
      </select>
    </label>
  );
}

function LogoutButton() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onClick = async () => {
    setBusy(true);
    setError(null);
    try {
      await logout();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="btn btn-sm btn-ghost topbar-logout" onClick={() => void onClick()} disabled={busy}>
        {busy ? "Logging out…" : "Log out"}
      </button>
      {error && (
        <span role="alert" className="field-error">
          Could not log out: {error}
        </span>
      )}
    </>
  );
}
