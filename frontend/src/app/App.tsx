import { Component, lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import { RouterProvider, useRouter } from "./router";
import { SessionContext } from "./SessionContext";
import { createSessionStore } from "./session";
import { TopBar } from "./TopBar";
import type { PageProps } from "./props";
import { GraphsPage } from "../pages/GraphsPage";
import { ThreadsPage } from "../pages/ThreadsPage";
import { InboxPage } from "../pages/InboxPage";
import { Loading } from "../ui/Spinner";
import { EmptyState } from "../ui/EmptyState";
import { Link, matchRoute } from "./router";
import { lazyPage } from "./lazyPage";
import { preloadEditorData } from "../editor/loadEditor";

// The canvas pages carry React Flow and the form library; load them on demand.
const editorPage = lazyPage(() => import("../editor/EditorPage").then((m) => m.EditorPage), "Loading graph…");
const debuggerPage = lazyPage(() => import("../debugger/DebuggerPage").then((m) => m.DebuggerPage), "Loading thread…");
const EditorPage = editorPage.Page;
const DebuggerPage = debuggerPage.Page;
const SettingsPage = lazy(() => import("../pages/SettingsPage").then((m) => ({ default: m.SettingsPage })));
const SharePage = lazy(() => import("../debugger/SharePage").then((m) => ({ default: m.SharePage })));

/** On a full page load: fetch the first page's chunk and data while React starts. */
export function preloadFirstPage(pathname: string): void {
  const route = matchRoute(pathname);
  if (route.page === "graph") {
    void editorPage.preload().catch(() => undefined);
    preloadEditorData(route.graphId);
  } else if (route.page === "thread") {
    void debuggerPage.preload().catch(() => undefined);
  }
}

export function App({ props }: { props: PageProps }) {
  // A share link's page has no session: no account, navigation or workspace.
  if (props.page === "share" && props.token) return <SharedApp token={props.token} />;
  return <WorkspaceApp props={props} />;
}

function SharedApp({ token }: { token: string }) {
  return (
    <div className="app">
      <main className="app-main" id="main">
        <ErrorBoundary>
          <Suspense fallback={<Loading />}>
            <SharePage token={token} />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}

function WorkspaceApp({ props }: { props: PageProps }) {
  const [store] = useState(() => createSessionStore(props.user));
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  return (
    <SessionContext.Provider value={store}>
      <RouterProvider>
        <div className="app">
          <TopBar />
          <main className="app-main" id="main">
            <ErrorBoundary>
              <Suspense fallback={<Loading />}>
                <Pages />
              </Suspense>
            </ErrorBoundary>
          </main>
        </div>
      </RouterProvider>
    </SessionContext.Provider>
  );
}

function Pages() {
  const { route } = useRouter();
  switch (route.page) {
    case "graphs":
      return <GraphsPage />;
    case "graph":
      return <EditorPage key={route.graphId} graphId={route.graphId} />;
    case "threads":
      return <ThreadsPage />;
    case "thread":
      return <DebuggerPage key={route.threadId} threadId={route.threadId} />;
    case "inbox":
      return <InboxPage />;
    case "settings":
      return <SettingsPage />;
    case "not-found":
      return (
        <EmptyState title="Page not found" action={<Link href="/app/graphs" className="btn btn-primary">Go to graphs</Link>}>
          Nothing lives at {route.path}.
        </EmptyState>
      );
  }
}

/** Last line of defence: a render error shows a message, never a blank page. */
class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error) {
      return (
        <EmptyState
          title="Something went wrong on this page"
          action={
            <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
              Reload the page
            </button>
          }
        >
          {this.state.error.message}
        </EmptyState>
      );
    }
    return this.props.children;
  }
}
