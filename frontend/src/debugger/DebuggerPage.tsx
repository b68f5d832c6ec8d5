export function DebuggerPage({ threadId }: { threadId: string }) {
  return <div className="page">Thread {threadId}</div>;
}
