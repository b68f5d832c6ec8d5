import { describe, expect, it } from "vitest";
import { roleAllows } from "./roles";

describe("roles", () => {
  it("ranks viewer < reviewer < editor < owner", () => {
    expect(roleAllows("viewer", "read")).toBe(true);
    expect(roleAllows("viewer", "act")).toBe(false);
    expect(roleAllows("reviewer", "act")).toBe(true);
    expect(roleAllows("reviewer", "edit")).toBe(false);
    expect(roleAllows("editor", "edit")).toBe(true);
    expect(roleAllows("editor", "manage")).toBe(false);
    expect(roleAllows("owner", "manage")).toBe(true);
    expect(roleAllows(null, "read")).toBe(false);
    expect(roleAllows("admin", "read")).toBe(false);
  });
});
