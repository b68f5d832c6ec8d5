/** A tiny client-side router for the handful of pages under /app/. */
import { createContext, useCallback, useContext, useEffect, useState, type AnchorHTMLAttributes, type ReactNode } from "react";

export type Route =
  | { page: "graphs" }
  | { page: "graph"; graphId: string }
  | { page: "threads" }
  | { page: "thread"; threadId: string }
  | { page: "inbox" }
  | { page: "settings" }
  | { page: "not-found"; path: string };

/** Map a pathname to a route; "/" and "/app/" land on the graph list. */
export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/" || path === "/app") return { page: "graphs" };
  const m = path.match(/^\/app\/(graphs|threads|inbox|settings)(?:\/([^/]+))?$/);
  if (!m) return { page: "not-found", path };
  const [, section, id] = m;
  if (section === "inbox") return id ? { page: "not-found", path } : { page: "inbox" };
  if (section === "settings") return id ? { page: "not-found", path } : { page: "settings" };
  if (section === "graphs") return id ? { page: "graph", graphId: decodeURIComponent(id) } : { page: "graphs" };
  return id ? { page: "thread", threadId: decodeURIComponent(id) } : { page: "threads" };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case "graphs":
      return "/app/graphs";
    case "graph":
      return `/app/graphs/${encodeURIComponent(route.graphId)}`;
    case "threads":
      return "/app/threads";
    case "thread":
      return `/app/threads/${encodeURIComponent(route.threadId)}`;
    case "inbox":
      return "/app/inbox";
    case "settings":
      return "/app/settings";
    case "not-found":
      return route.path;
  }
}

interface RouterValue {
  route: Route;
  search: URLSearchParams;
  navigate: (to: string, opts?: { replace?: boolean }) => void;
}

const RouterContext = createContext<RouterValue | null>(null);

export function RouterProvider({ children }: { children: ReactNode }) {
  const [loc, setLoc] = useState(() => ({ pathname: window.location.pathname, search: window.location.search }));
  useEffect(() => {
    const onPop = () => setLoc({ pathname: window.location.pathname, search: window.location.search });
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const navigate = useCallback((to: string, opts?: { replace?: boolean }) => {
    if (opts?.replace) window.history.replaceState(null, "", to);
    else window.history.pushState(null, "", to);
    setLoc({ pathname: window.location.pathname, search: window.location.search });
  }, []);
  const value: RouterValue = { route: matchRoute(loc.pathname), search: new URLSearchParams(loc.search), navigate };
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): RouterValue {
  const v = useContext(RouterContext);
  if (!v) throw new Error("useRouter outside RouterProvider");
  return v;
}

/** An <a> that navigates without a page load (modifier-clicks still open tabs). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { navigate } = useRouter();
  return (
    <a
      href={href}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
}
