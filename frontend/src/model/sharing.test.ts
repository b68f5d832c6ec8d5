import { describe, expect, it } from "vitest";
import { EXPIRY_OPTIONS, INVITATION_EXPIRY, invitationState, linkState } from "./sharing";

describe("share links", () => {
  const now = Date.parse("2026-05-01T12:00:00Z");
  it("is revoked before it is expired, and expired by the clock or the server's flag", () => {
    expect(linkState({ revoked_at: "2026-05-01T00:00:00Z", expires_at: "2026-04-01T00:00:00Z" }, now)).toBe("revoked");
    expect(linkState({ revoked_at: null, expires_at: "2026-05-01T11:59:00Z" }, now)).toBe("expired");
    expect(linkState({ revoked_at: null, expires_at: null, live: false }, now)).toBe("expired");
    expect(linkState({ revoked_at: null, expires_at: "2026-05-02T00:00:00Z", live: true }, now)).toBe("live");
    expect(linkState({ revoked_at: null, expires_at: null }, now)).toBe("live");
  });
  it("offers never and the server's minimum of a minute or more", () => {
    expect(EXPIRY_OPTIONS[0]!.seconds).toBeNull();
    expect(EXPIRY_OPTIONS.every((o) => o.seconds === null || o.seconds >= 60)).toBe(true);
  });

  it("tells pending, accepted, revoked and expired invitations apart", () => {
    const base = { accepted_at: null, revoked_at: null, expires_at: "2026-05-08T00:00:00Z" };
    expect(invitationState(base, now)).toBe("pending");
    expect(invitationState({ ...base, accepted_at: "2026-05-01T00:00:00Z" }, now)).toBe("accepted");
    expect(invitationState({ ...base, revoked_at: "2026-05-01T00:00:00Z" }, now)).toBe("revoked");
    expect(invitationState({ ...base, expires_at: "2026-04-30T00:00:00Z" }, now)).toBe("expired");
    expect(Math.max(...INVITATION_EXPIRY.map((o) => o.seconds))).toBe(90 * 86400);
  });
});
