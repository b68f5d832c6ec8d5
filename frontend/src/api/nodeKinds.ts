import { request } from "./http";
import type { NodeKindInfo } from "./types";

/** The node-kind catalog: one entry per kind with its config JSON Schema. */
export function fetchNodeKinds(signal?: AbortSignal): Promise<NodeKindInfo[]> {
  return request<NodeKindInfo[] | { results: NodeKindInfo[] }>("/api/node-kinds/", { signal }).then((r) =>
    Array.isArray(r) ? r : r.results,
  );
}
