import { useState } from "react";
import { addCredential, deleteCredential, listCredentials, PROVIDERS, type Provider } from "../../api/teams";
import { relativeTime } from "../../ui/time";
import { useAction } from "../../ui/useAction";
import { useKeptAsync } from "../../ui/useKeptAsync";
import { ConfirmButton, SettingsSection, SettingsTable } from "./SettingsParts";

const PROVIDER_LABEL: Record<Provider, string> = { openai: "OpenAI", anthropic: "Anthropic" };

/** LLM provider keys the workspace's runs use. Stored encrypted; only a masked hint ever comes back. Owners only. */
export function CredentialsSection({ workspace }: { workspace: string }) {
  const credentials = useKeptAsync((signal) => listCredentials(workspace, signal), [workspace]);
  const action = useAction();
  const [provider, setProvider] = useState<Provider>("openai");
  const [name, setName] = useState("");
  const [secret, setSecret] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [confirming, setConfirming] = useState<number | null>(null);
  return (
    <SettingsSection
      id="credentials"
      title="LLM credentials"
      intro={<p className="muted">Runs in this workspace call the provider with these keys. After saving, a key cannot be read again, only replaced or deleted.</p>}
      action={action}
    >
      <form
        className="settings-form"
        aria-label="Add a credential"
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(() => addCredential(workspace, { provider, name: name.trim(), secret, base_url: baseUrl.trim() }))
            .then((ok) => {
              // The secret leaves the page as soon as it is stored (and stays on failure, to fix a typo).
              if (!ok) return;
              setSecret("");
              setName("");
              setBaseUrl("");
              credentials.reload();
            });
        }}
      >
        <label className="field">
          <span>Provider</span>
          <select value={provider} onChange={(e) => setProvider(e.target.value as Provider)}>
            {PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {PROVIDER_LABEL[p]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Name</span>
          <input type="text" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="e.g. default" />
        </label>
        <label className="field">
          <span>Secret key</span>
          <input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" spellCheck={false} />
        </label>
        <label className="field">
          <span>Base URL (optional)</span>
          <input type="url" value={baseUrl} maxLength={500} onChange={(e) => setBaseUrl(e.target.value)} placeholder="https://…" />
        </label>
        <button type="submit" className="btn btn-primary" disabled={action.busy || !name.trim() || !secret}>
          Add credential
        </button>
      </form>
      <SettingsTable
        state={credentials}
        what="credentials"
        empty="No credentials yet: runs use the server's default keys, if any."
        columns={["Provider", "Name", "Key", "Added"]}
        keyOf={(c) => c.id}
        row={(c) => (
          <>
            <td>{PROVIDER_LABEL[c.provider] ?? c.provider}</td>
            <td>
              {c.name}
              {c.base_url && <div className="muted mono">{c.base_url}</div>}
            </td>
            <td className="mono">{c.hint}</td>
            <td>
              {relativeTime(c.created_at)}
              {c.created_by && <span className="muted"> by {c.created_by}</span>}
            </td>
            <td>
              <ConfirmButton
                confirming={confirming === c.id}
                onAsk={() => setConfirming(c.id)}
                onKeep={() => setConfirming(null)}
                onConfirm={() =>
                  void action.run(() => deleteCredential(workspace, c.id)).then((ok) => {
                    setConfirming(null);
                    if (ok) credentials.reload();
                  })
                }
                busy={action.busy}
                text="Delete"
                label={`Delete credential ${c.name}`}
                groupLabel={`Confirm deleting ${c.name}`}
                confirmText={`Yes, delete ${c.name}`}
              />
            </td>
          </>
        )}
      />
    </SettingsSection>
  );
}
