export function EditorPage({ graphId }: { graphId: string }) {
  return <div className="page">Graph {graphId}</div>;
}
