import { describe, expect, it } from "vitest";
import { matchRoute, routePath, type Route } from "./router";

describe("matchRoute", () => {
  it("sends the root and /app/ to the graph list", () => {
    expect(matchRoute("/")).toEqual({ page: "graphs" });
    expect(matchRoute("/app/")).toEqual({ page: "graphs" });
    expect(matchRoute("/app/graphs/")).toEqual({ page: "graphs" });
  });

  it("matches detail pages and decodes ids", () => {
    expect(matchRoute("/app/graphs/abc-1")).toEqual({ page: "graph", graphId: "abc-1" });
    expect(matchRoute("/app/threads/t%201")).toEqual({ page: "thread", threadId: "t 1" });
    expect(matchRoute("/app/inbox")).toEqual({ page: "inbox" });
    expect(matchRoute("/app/settings/")).toEqual({ page: "settings" });
  });

  it("reports unknown paths", () => {
    expect(matchRoute("/app/nope")).toEqual({ page: "not-found", path: "/app/nope" });
    expect(matchRoute("/app/inbox/3")).toEqual({ page: "not-found", path: "/app/inbox/3" });
    expect(matchRoute("/app/settings/x")).toEqual({ page: "not-found", path: "/app/settings/x" });
  });

  it("round-trips through routePath", () => {
    const routes: Route[] = [
      { page: "graphs" },
      { page: "graph", graphId: "g/1" },
      { page: "threads" },
      { page: "thread", threadId: "t1" },
      { page: "inbox" },
      { page: "settings" },
    ];
    for (const r of routes) expect(matchRoute(routePath(r))).toEqual(r);
  });
});
