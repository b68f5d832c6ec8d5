/** Share links and other one-time secrets: expiry choices and what state a link is in. */

export const EXPIRY_OPTIONS: readonly { label: string; seconds: number | null }[] = [
  { label: "Never", seconds: null },
  { label: "1 hour", seconds: 3600 },
  { label: "1 day", seconds: 86400 },
  { label: "7 days", seconds: 7 * 86400 },
  { label: "30 days", seconds: 30 * 86400 },
];

export type LinkState = "live" | "revoked" | "expired";

/** Revoked wins over expired; the server's `live` flag is trusted when present. */
export function linkState(link: { revoked_at: string | null; expires_at: string | null; live?: boolean }, now: number = Date.now()): LinkState {
  if (link.revoked_at) return "revoked";
  if (link.live === false) return "expired";
  if (link.expires_at && Date.parse(link.expires_at) <= now) return "expired";
  return "live";
}

export type InvitationState = "pending" | "accepted" | "revoked" | "expired";

/** Where an invitation stands: used once, revoked, past its expiry, or still open. */
export function invitationState(
  inv: { accepted_at: string | null; revoked_at: string | null; expires_at: string | null },
  now: number = Date.now(),
): InvitationState {
  if (inv.accepted_at) return "accepted";
  if (inv.revoked_at) return "revoked";
  if (inv.expires_at && Date.parse(inv.expires_at) <= now) return "expired";
  return "pending";
}

/** Invitations last 7 days unless asked otherwise (the server allows up to 90). */
export const INVITATION_EXPIRY: readonly { label: string; seconds: number }[] = [
  { label: "1 day", seconds: 86400 },
  { label: "7 days", seconds: 7 * 86400 },
  { label: "30 days", seconds: 30 * 86400 },
  { label: "90 days", seconds: 90 * 86400 },
];
