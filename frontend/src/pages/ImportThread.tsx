import { useRef } from "react";
import { importThread } from "../api/teams";
import { useRouter } from "../app/router";
import { useSession, useWorkspaceRole } from "../app/SessionContext";
import { roleAllows } from "../model/roles";
import { Banner } from "../ui/Banner";
import { useAction } from "../ui/useAction";

/** Import a thread from a file made by "Export thread" into the selected workspace (editors and owners), then open it. */
export function ImportThread() {
  const workspace = useSession((s) => s.workspace);
  const role = useWorkspaceRole();
  const { navigate } = useRouter();
  const action = useAction();
  const input = useRef<HTMLInputElement>(null);
  if (!workspace || !roleAllows(role, "edit")) return null;
  const pick = async (file: File) => {
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not a JSON file made by “Export thread”.`);
    }
    const made = await importThread(workspace, document);
    navigate(`/app/threads/${encodeURIComponent(made.thread_id)}`);
  };
  return (
    <>
      <button type="button" className="btn" disabled={action.busy} onClick={() => input.current?.click()}>
        {action.busy ? "Importing…" : "Import thread…"}
      </button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Thread export file to import"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void action.run(() => pick(file));
        }}
      />
      {action.error && (
        <Banner tone="error" onDismiss={() => action.setError(null)}>
          Could not import the thread: {action.error}
        </Banner>
      )}
    </>
  );
}
