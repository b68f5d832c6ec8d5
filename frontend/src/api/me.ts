import { request } from "./http";
import type { Me } from "./types";

/** The signed-in user and the workspaces they belong to. */
export function fetchMe(signal?: AbortSignal): Promise<Me> {
  return request<Me>("/api/me/", { signal });
}

/** End the session (Django's LogoutView takes POST only; `request` adds the CSRF
 * header), then land on the login page. */
export async function logout(): Promise<void> {
  await request<string>("/logout/", { method: "POST", text: true });
  browser.assign("/login/");
}

/** Full-page navigation, as an object so that tests can replace it (jsdom cannot navigate). */
export const browser = { assign: (url: string) => window.location.assign(url) };
