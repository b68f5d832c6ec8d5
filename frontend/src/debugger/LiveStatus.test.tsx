// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { LiveStatus } from "./LiveStatus";

afterEach(cleanup);

describe("LiveStatus", () => {
  it.each([
    ["open", "Live", "is-live"],
    ["connecting", "Connecting…", "is-connecting"],
    ["closed", "Reconnecting…", "is-connecting"],
    ["unavailable", "Offline", "is-offline"],
  ] as const)("%s reads %s with its colour", (socket, text, tone) => {
    render(<LiveStatus socket={socket} />);
    const status = screen.getByRole("status");
    expect(status.textContent).toBe(text);
    expect(status.className).toContain(tone);
  });
});
