import { useState } from "react";
import { createApiKey, listApiKeys, revokeApiKey, type CreatedApiKey } from "../../api/teams";
import { SecretOnce } from "../../ui/SecretOnce";
import { relativeTime } from "../../ui/time";
import { useAction } from "../../ui/useAction";
import { useKeptAsync } from "../../ui/useKeptAsync";
import { ApiKeyUsage } from "./ApiKeyUsage";
import { SettingsSection, SettingsTable } from "./SettingsParts";
import "./settings.css";

/** The signed-in user's own API keys: create (the key is shown once), see when each was last used, revoke. */
export function ApiKeysSection({ workspace }: { workspace: string | null }) {
  const keys = useKeptAsync((signal) => listApiKeys(signal), []);
  const action = useAction();
  const [name, setName] = useState("");
  const [limited, setLimited] = useState(true);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  return (
    <SettingsSection id="keys" title="Your API keys" intro={<ApiKeyUsage />} action={action}>
      <form
        className="settings-form"
        aria-label="Create an API key"
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(async () => setCreated(await createApiKey(name.trim(), limited && workspace ? workspace : null)))
            .then((ok) => {
              if (!ok) return;
              setName("");
              keys.reload();
            });
        }}
      >
        <label className="field">
          <span>Key name</span>
          <input type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="e.g. CI pipeline" />
        </label>
        {workspace && (
          <label className="check inline">
            <input type="checkbox" checked={limited} onChange={(e) => setLimited(e.target.checked)} />
            Only the workspace “{workspace}”
          </label>
        )}
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          Create key
        </button>
      </form>
      {created && <SecretOnce label="API key" value={created.key} note="Copy it now and keep it secret: it is shown only once." />}
      <SettingsTable
        state={keys}
        what="API keys"
        empty="No API keys yet."
        columns={["Name", "Key", "Workspace", "Created", "Last used"]}
        keyOf={(k) => k.id}
        row={(k) => (
          <>
            <td>{k.name || <span className="muted">unnamed</span>}</td>
            <td className="mono">{k.prefix}…</td>
            <td>{k.workspace ?? <span className="muted">all</span>}</td>
            <td>{relativeTime(k.created_at)}</td>
            <td>{k.last_used_at ? relativeTime(k.last_used_at) : <span className="muted">never</span>}</td>
            <td>
              {k.revoked_at ? (
                <span className="tag">Revoked</span>
              ) : (
                <button
                  type="button"
                  className="btn btn-sm btn-danger"
                  aria-label={`Revoke key ${k.name || k.prefix}`}
                  disabled={action.busy}
                  onClick={() => void action.run(() => revokeApiKey(k.id)).then((ok) => ok && keys.reload())}
                >
                  Revoke
                </button>
              )}
            </td>
          </>
        )}
      />
    </SettingsSection>
  );
}
