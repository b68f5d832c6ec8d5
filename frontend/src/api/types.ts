/** Shapes of the JSON the Django API returns. Keep in one place so they are easy to adapt. */
import type { GraphSpec } from "../model/graphspec";

export type Role = "owner" | "editor" | "reviewer" | "viewer";

export interface User {
  id: number | string;
  username: string;
}

export interface Workspace {
  slug: string;
  name: string;
  role: Role;
}

export interface Me {
  user: User;
  workspaces: Workspace[];
}

export interface NodeKindInfo {
  kind: string;
  title: string;
  description: string;
  config_schema: Record<string, unknown>;
  inputs?: unknown;
  outputs?: unknown;
}

/** Graph ids are numbers in the Django API; the app treats them as opaque strings in URLs. */
export type GraphId = string | number;

export interface GraphSummary {
  id: GraphId;
  name: string;
  workspace: string;
  source: "spec" | "code";
  draft_revision: number;
  updated_at: string;
  latest_version: number | null;
}

export interface GraphDetail {
  id: GraphId;
  name: string;
  workspace?: string;
  source?: "spec" | "code";
  spec: GraphSpec;
  draft_revision: number;
  /** Absent in the Django API: code graphs (source "code") are read-only. */
  read_only?: boolean;
  updated_at?: string;
  updated_by?: string | null;
  latest_version?: number | null;
}

export interface Paginated<T> {
  results: T[];
  count?: number;
  next?: string | null;
}

export interface DraftConflict {
  spec: GraphSpec;
  draft_revision: number;
  updated_by: string | null;
  updated_at: string;
}

export type Severity = "error" | "warning";

export interface Problem {
  pointer: string;
  message: string;
  severity: Severity;
  code: string;
}

export interface GraphVersion {
  number: number;
  note: string;
  author: string | null;
  created_at: string;
  spec?: GraphSpec;
}

export type ThreadStatus = "idle" | "busy" | "interrupted" | "error";

export interface Thread {
  thread_id: string;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
  status: ThreadStatus;
  values?: Record<string, unknown> | null;
  graph_id?: string;
  /** The workspace's slug (the Django API); decides the caller's role on the thread. */
  workspace?: string;
}

export interface CheckpointRef {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
}

export interface InterruptValue {
  value: unknown;
  id: string;
}

export interface SnapshotTask {
  id: string;
  name: string;
  interrupts: InterruptValue[];
  error: unknown;
}

export interface StateSnapshot {
  values: Record<string, unknown>;
  next: string[];
  checkpoint: CheckpointRef;
  metadata: { source?: string; step?: number; writes?: unknown } & Record<string, unknown>;
  created_at: string;
  parent_checkpoint: CheckpointRef | null;
  tasks: SnapshotTask[];
}

export interface RunCommand {
  resume?: unknown;
  update?: Record<string, unknown>;
  goto?: string | string[];
}

export interface RunCreate {
  assistant_id: string;
  input?: Record<string, unknown> | null;
  command?: RunCommand;
  checkpoint_id?: string;
  interrupt_before?: string[];
  interrupt_after?: string[];
  stream_mode?: string[];
  /** Builder extension: run the graph's unpublished draft (a test run). */
  draft?: boolean;
}

export interface Run {
  run_id: string;
  thread_id: string;
  status: string;
  created_at?: string;
}

export interface InboxItem {
  thread_id: string;
  run_id?: string;
  graph_id?: string;
  graph_name?: string;
  node?: string;
  /** The node's label in the graph (node ids of canvas graphs are opaque). */
  node_label?: string | null;
  title?: string;
  /** A line of what is under review (the shown fields, or the question). */
  preview?: string;
  status?: string;
  created_at?: string;
  interrupt_id?: string;
}
