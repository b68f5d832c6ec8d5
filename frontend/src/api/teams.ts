/**
 * Team endpoints: share links, the public shared thread, comments, the audit trail,
 * thread export/import, members, invitations, API keys and provider credentials.
 * Secrets (share and invitation links, API keys) come back once, from the POST that
 * makes them; credentials never come back at all (only a masked hint).
 */
import { request } from "./http";
import type { Role, StateSnapshot } from "./types";
import type { GraphSpec } from "../model/graphspec";
import type { ThreadEvent } from "../model/events";
import type { AuditRecord } from "../model/audit";
import type { CheckpointComment } from "../model/comments";

/** A cursor page (`?page_size=` up to 200). */
export interface Page<T> {
  results: T[];
  next?: string | null;
  previous?: string | null;
}

const PAGE = { page_size: 200 };
const enc = encodeURIComponent;

function results<T>(page: Page<T> | T[]): T[] {
  return Array.isArray(page) ? page : (page.results ?? []);
}

// --- share links ----------------------------------------------------------------------

export interface ShareLink {
  id: number;
  thread_id: string;
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  live: boolean;
}

export interface CreatedShareLink extends ShareLink {
  token: string;
  url: string;
}

export async function listShareLinks(threadId: string, signal?: AbortSignal): Promise<ShareLink[]> {
  return results(await request<Page<ShareLink>>(`/api/threads/${enc(threadId)}/share-links/`, { query: PAGE, signal }));
}

/** `expiresIn` in seconds; null: the link never expires. */
export function createShareLink(threadId: string, expiresIn: number | null): Promise<CreatedShareLink> {
  return request<CreatedShareLink>(`/api/threads/${enc(threadId)}/share-links/`, { method: "POST", body: { expires_in: expiresIn } });
}

export function revokeShareLink(linkId: number): Promise<unknown> {
  return request(`/api/share-links/${linkId}/`, { method: "DELETE" });
}

// --- the public shared thread ---------------------------------------------------------

export type Comment = CheckpointComment;

export interface AuditEntry extends AuditRecord {
  thread_id: string | null;
}

export interface SharedGraph {
  name: string;
  slug?: string;
  source?: string;
  code_ref?: string;
  version: number | null;
  /** Null for graphs written in code. */
  spec: GraphSpec | null;
}

export interface SharedThread {
  thread: { thread_id: string; status: string; created_at: string; updated_at: string; values: Record<string, unknown> | null };
  graph: SharedGraph | null;
  history: StateSnapshot[];
  events: ThreadEvent[];
  events_truncated?: boolean;
  audit: AuditEntry[];
  comments: Comment[];
}

/** What a share link shows; anyone with the token may read it (no session needed). */
export function getSharedThread(token: string, signal?: AbortSignal): Promise<SharedThread> {
  return request<SharedThread>(`/api/share/${enc(token)}/thread/`, { signal });
}

// --- comments, audit, export/import ---------------------------------------------------

export async function listComments(threadId: string, checkpointId?: string, signal?: AbortSignal): Promise<Comment[]> {
  const query = { ...PAGE, checkpoint_id: checkpointId || undefined };
  return results(await request<Page<Comment>>(`/api/threads/${enc(threadId)}/comments/`, { query, signal }));
}

export function addComment(threadId: string, checkpointId: string, body: string): Promise<Comment> {
  return request<Comment>(`/api/threads/${enc(threadId)}/comments/`, { method: "POST", body: { checkpoint_id: checkpointId, body } });
}

export interface AuditQuery {
  action?: string;
  actor?: string;
}

export async function listThreadAudit(threadId: string, q: AuditQuery = {}, signal?: AbortSignal): Promise<AuditEntry[]> {
  const query = { ...PAGE, action: q.action || undefined, actor: q.actor || undefined };
  return results(await request<Page<AuditEntry>>(`/api/threads/${enc(threadId)}/audit/`, { query, signal }));
}

/** The thread as one JSON document (graph, checkpoints, events, comments). */
export function exportThread(threadId: string): Promise<unknown> {
  return request<unknown>(`/api/threads/${enc(threadId)}/export/`);
}

export function importThread(workspace: string, document: unknown): Promise<{ thread_id: string; workspace: string }> {
  return request(`/api/workspaces/${enc(workspace)}/threads/import/`, { method: "POST", body: document });
}

// --- members and invitations ----------------------------------------------------------

export interface Member {
  username: string;
  email: string;
  role: Role;
  created_at: string;
}

export async function listMembers(workspace: string, signal?: AbortSignal): Promise<Member[]> {
  return results(await request<Page<Member>>(`/api/workspaces/${enc(workspace)}/members/`, { query: PAGE, signal }));
}

/** Add an existing account to the workspace (or change its role). */
export function addMember(workspace: string, username: string, role: Role): Promise<Member> {
  return request<Member>(`/api/workspaces/${enc(workspace)}/members/`, { method: "POST", body: { username, role } });
}

export function setMemberRole(workspace: string, username: string, role: Role): Promise<Member> {
  return request<Member>(`/api/workspaces/${enc(workspace)}/members/${enc(username)}/`, { method: "PATCH", body: { role } });
}

export function removeMember(workspace: string, username: string): Promise<unknown> {
  return request(`/api/workspaces/${enc(workspace)}/members/${enc(username)}/`, { method: "DELETE" });
}

export interface Invitation {
  id: number;
  workspace: string;
  role: Role;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_by: string | null;
  accepted_at: string | null;
  revoked_at: string | null;
}

export interface CreatedInvitation extends Invitation {
  token: string;
  url: string;
}

export async function listInvitations(workspace: string, signal?: AbortSignal): Promise<Invitation[]> {
  return results(await request<Page<Invitation>>(`/api/workspaces/${enc(workspace)}/invitations/`, { query: PAGE, signal }));
}

export function createInvitation(workspace: string, role: Role, expiresIn?: number): Promise<CreatedInvitation> {
  return request<CreatedInvitation>(`/api/workspaces/${enc(workspace)}/invitations/`, {
    method: "POST",
    body: expiresIn ? { role, expires_in: expiresIn } : { role },
  });
}

export function revokeInvitation(workspace: string, id: number): Promise<unknown> {
  return request(`/api/workspaces/${enc(workspace)}/invitations/${id}/`, { method: "DELETE" });
}

// --- API keys -------------------------------------------------------------------------

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  workspace: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

export async function listApiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
  return results(await request<Page<ApiKey>>("/api/keys/", { query: PAGE, signal }));
}

/** `workspace` limits the key to one workspace; null: everything the user may see. */
export function createApiKey(name: string, workspace: string | null): Promise<CreatedApiKey> {
  return request<CreatedApiKey>("/api/keys/", { method: "POST", body: { name, workspace } });
}

export function revokeApiKey(id: number): Promise<unknown> {
  return request(`/api/keys/${id}/`, { method: "DELETE" });
}

// --- provider credentials -------------------------------------------------------------

export const PROVIDERS = ["openai", "anthropic"] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface Credential {
  id: number;
  provider: Provider;
  name: string;
  /** Masked, e.g. "sk-…abcd": the secret itself is never sent back. */
  hint: string;
  base_url: string;
  created_by: string | null;
  created_at: string;
}

export async function listCredentials(workspace: string, signal?: AbortSignal): Promise<Credential[]> {
  return results(await request<Page<Credential>>(`/api/workspaces/${enc(workspace)}/credentials/`, { query: PAGE, signal }));
}

export function addCredential(workspace: string, c: { provider: Provider; name: string; secret: string; base_url?: string }): Promise<Credential> {
  return request<Credential>(`/api/workspaces/${enc(workspace)}/credentials/`, { method: "POST", body: { ...c, base_url: c.base_url ?? "" } });
}

export function deleteCredential(workspace: string, id: number): Promise<unknown> {
  return request(`/api/workspaces/${enc(workspace)}/credentials/${id}/`, { method: "DELETE" });
}
