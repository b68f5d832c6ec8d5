import { describe, expect, it } from "vitest";
import { exportFileName } from "./fileName";

describe("exportFileName", () => {
  it("keeps Unicode letters and symbols", () => {
    expect(exportFileName("Audit graph ✓ ünïcødé")).toBe("Audit_graph_✓_ünïcødé.json");
    expect(exportFileName("研究エージェント")).toBe("研究エージェント.json");
  });
  it("replaces only characters invalid in file names", () => {
    expect(exportFileName('a/b\\c:d*e?f"g<h>i|j')).toBe("a_b_c_d_e_f_g_h_i_j.json");
    expect(exportFileName("tab\there\u0001")).toBe("tab_here.json");
  });
  it("never gives an empty, hidden or reserved name", () => {
    expect(exportFileName("")).toBe("graph.json");
    expect(exportFileName("///")).toBe("graph.json");
    expect(exportFileName(".hidden")).toBe("hidden.json");
    expect(exportFileName("CON")).toBe("CON_.json");
  });
});
