import { request } from "./http";
import type { Me } from "./types";

/** The signed-in user and the workspaces they belong to. */
export function fetchMe(signal?: AbortSignal): Promise<Me> {
  return request<Me>("/api/me/", { signal });
}
