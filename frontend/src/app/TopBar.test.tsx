// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { setCsrfToken } from "../api/http";
import { browser } from "../api/me";
import { App } from "./App";

const ME = { user: { id: 1, username: "demo" }, workspaces: [{ slug: "demo", name: "Demo", role: "owner" }] };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  setCsrfToken(undefined);
  window.localStorage.clear();
});

function stub(logoutStatus: number) {
  const calls: { url: string; init?: RequestInit }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      if (url === "/logout/") return new Response(logoutStatus === 200 ? "<html>login</html>" : "CSRF failed", { status: logoutStatus });
      if (url.startsWith("/api/me/")) return new Response(JSON.stringify(ME));
      return new Response(JSON.stringify({ results: [] }));
    }),
  );
  return calls;
}

describe("log out", () => {
  it("POSTs /logout/ with the CSRF token and lands on the login page", async () => {
    window.history.replaceState(null, "", "/app/graphs");
    const calls = stub(200);
    setCsrfToken("tok123"); // main.tsx does this from the page's data-props
    const assign = vi.spyOn(browser, "assign").mockImplementation(() => undefined);
    render(<App props={{ user: { id: 1, username: "demo" }, csrfToken: "tok123" }} />);
    fireEvent.click(screen.getByRole("button", { name: "Log out" }));
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith("/login/"));
    const post = calls.find((c) => c.url === "/logout/");
    expect(post?.init?.method).toBe("POST");
    expect((post?.init?.headers as Record<string, string>)["X-CSRFToken"]).toBe("tok123");
  });

  it("says so when the server refuses, and stays", async () => {
    window.history.replaceState(null, "", "/app/graphs");
    stub(403);
    const assign = vi.spyOn(browser, "assign").mockImplementation(() => undefined);
    render(<App props={{ user: { id: 1, username: "demo" }, csrfToken: "tok123" }} />);
    fireEvent.click(screen.getByRole("button", { name: "Log out" }));
    expect((await screen.findByText(/Could not log out/)).getAttribute("role")).toBe("alert");
    expect(assign).not.toHaveBeenCalled();
    expect((screen.getByRole("button", { name: "Log out" }) as HTMLButtonElement).disabled).toBe(false);
  });
});
