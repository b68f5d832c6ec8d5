/** Workspace roles, ranked as the server ranks them (builder/permissions.py). */

export const ROLES = ["viewer", "reviewer", "editor", "owner"] as const;
export type WorkspaceRole = (typeof ROLES)[number];

/** read: see; act: run, review, comment; edit: change graphs, share threads; manage: members, invitations, credentials. */
export type RoleAction = "read" | "act" | "edit" | "manage";

const NEEDS: Record<RoleAction, WorkspaceRole> = { read: "viewer", act: "reviewer", edit: "editor", manage: "owner" };

/** Whether `role` may do `action` (an unknown or missing role may do nothing). */
export function roleAllows(role: string | null | undefined, action: RoleAction): boolean {
  const rank = ROLES.indexOf(role as WorkspaceRole);
  return rank >= 0 && rank >= ROLES.indexOf(NEEDS[action]);
}
