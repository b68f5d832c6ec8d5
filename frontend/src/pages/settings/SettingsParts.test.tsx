// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { ConfirmButton, SettingsTable } from "./SettingsParts";

afterEach(cleanup);

describe("settings parts", () => {
  it("shows the empty text, or the table when no empty text is given", () => {
    const { rerender } = render(
      <SettingsTable state={{ status: "ready", data: [] as string[] }} what="keys" empty="No keys yet." columns={["Name"]} keyOf={(s) => s} row={(s) => <td>{s}</td>} />,
    );
    expect(screen.getByText("No keys yet.")).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
    rerender(<SettingsTable state={{ status: "ready", data: [] as string[] }} what="keys" columns={["Name"]} keyOf={(s) => s} row={(s) => <td>{s}</td>} />);
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Name", "Actions"]);
    rerender(<SettingsTable state={{ status: "loading" }} what="keys" columns={["Name"]} keyOf={(s: string) => s} row={(s) => <td>{s}</td>} />);
    expect(screen.getByText("Loading keys…")).toBeTruthy();
  });

  it("asks once more before a destructive action, and Keep backs out", () => {
    const onConfirm = vi.fn();
    function Harness() {
      const [asking, setAsking] = useState(false);
      return (
        <ConfirmButton
          confirming={asking}
          onAsk={() => setAsking(true)}
          onKeep={() => setAsking(false)}
          onConfirm={onConfirm}
          busy={false}
          text="Delete"
          label="Delete credential x"
          groupLabel="Confirm deleting x"
          confirmText="Yes, delete x"
        />
      );
    }
    render(<Harness />);
    fireEvent.click(screen.getByRole("button", { name: "Delete credential x" }));
    const group = screen.getByRole("group", { name: "Confirm deleting x" });
    fireEvent.click(within(group).getByRole("button", { name: "Keep" }));
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Delete credential x" }));
    fireEvent.click(screen.getByRole("button", { name: "Yes, delete x" }));
    expect(onConfirm).toHaveBeenCalledOnce();
  });
});
