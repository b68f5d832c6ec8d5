// @vitest-environment jsdom
/**
 * Every node kind's config form renders from its JSON Schema. The catalog fixture is
 * runtime.graphspec.catalog() written to JSON (regenerate it when the kinds change).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import ConfigForm from "./ConfigForm";
import catalog from "./__fixtures__/catalog.json";

afterEach(cleanup);

describe("ConfigForm", () => {
  it.each(catalog.map((k) => [k.kind, k] as const))("renders the %s config form", (_kind, k) => {
    const { container } = render(
      <ConfigForm schema={k.config_schema as Record<string, unknown>} value={{}} onChange={() => undefined} disabled={false} idPrefix={`cfg-${k.kind}`} />,
    );
    const controls = container.querySelectorAll("input:not([type=hidden]), select, textarea");
    for (const el of controls) {
      const id = el.getAttribute("id");
      const labels = [...container.querySelectorAll("label")];
      const labelled = (id && labels.some((l) => l.htmlFor === id)) || el.closest("label") || el.getAttribute("aria-label");
      expect(labelled, `${k.kind}: ${el.outerHTML.slice(0, 120)}`).toBeTruthy();
    }
  });

  it("reports user edits as such and validates inline", async () => {
    const onChange = vi.fn();
    render(
      <ConfigForm
        schema={{ type: "object", required: ["url"], properties: { url: { type: "string", title: "URL", minLength: 5 } } }}
        value={{}}
        onChange={onChange}
        disabled={false}
        idPrefix="t"
      />,
    );
    const input = screen.getByLabelText(/URL/);
    fireEvent.keyDown(input, { key: "a" });
    fireEvent.change(input, { target: { value: "ab" } });
    expect(onChange).toHaveBeenLastCalledWith({ url: "ab" }, true, expect.stringMatching(/^config:t_url#/));
    expect(await screen.findByText(/must NOT have fewer than 5 characters/)).toBeTruthy();
  });

  it("labels fields by title, draws prompts as textareas and state fields as a select", () => {
    const human = catalog.find((k) => k.kind === "human")!;
    const llm = catalog.find((k) => k.kind === "llm")!;
    const onChange = vi.fn();
    render(
      <ConfigForm schema={llm.config_schema as Record<string, unknown>} value={{}} onChange={() => undefined} disabled={false} idPrefix="llm" stateFields={["messages", "notes"]} />,
    );
    expect(screen.getByLabelText("Max tokens").tagName).toBe("INPUT");
    expect(screen.getByLabelText("System").tagName).toBe("TEXTAREA");
    cleanup();
    render(
      <ConfigForm schema={human.config_schema as Record<string, unknown>} value={{ decision_field: "decision" }} onChange={onChange} disabled={false} idPrefix="h" stateFields={["messages", "verdict"]} />,
    );
    const select = screen.getByRole("combobox", { name: "Decision field" }) as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(["Choose a state field…", "messages", "verdict", "decision (not a state field)"]);
    fireEvent.keyDown(select, { key: "ArrowDown" });
    fireEvent.change(select, { target: { value: "verdict" } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ decision_field: "verdict" }), true, expect.any(String));
  });

  it("reports edits made without key events as edits, each field with its own undo key", () => {
    const onChange = vi.fn();
    const schema = { type: "object", properties: { temperature: { type: "number", title: "Temperature" }, model: { type: "string", title: "Model", default: "fake-1" } } };
    render(<ConfigForm schema={schema} value={{ model: "fake-1" }} onChange={onChange} disabled={false} idPrefix="k" />);
    fireEvent.change(screen.getByLabelText("Temperature"), { target: { value: "0.5" } });
    const first = onChange.mock.lastCall!;
    expect(first[0]).toMatchObject({ temperature: 0.5 });
    expect(first[1]).toBe(true);
    fireEvent.blur(screen.getByLabelText("Temperature"));
    fireEvent.change(screen.getByLabelText("Model"), { target: { value: "other" } });
    const second = onChange.mock.lastCall!;
    expect(second[1]).toBe(true);
    expect(second[2]).not.toBe(first[2]);
  });
});
