// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { ApiKeyUsage, curlExample } from "./ApiKeyUsage";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("API key usage", () => {
  it("tells people to send X-Api-Key, never Authorization: Bearer", () => {
    expect(curlExample("https://sy.example")).toBe('curl -H "X-Api-Key: $SWITCHYARD_API_KEY" https://sy.example/api/me/');
    render(<ApiKeyUsage origin="https://sy.example" />);
    const example = screen.getByRole("figure", { name: "Example request with an API key" });
    expect(example.textContent).toContain("X-Api-Key");
    expect(example.textContent).not.toContain("Bearer");
    expect(screen.getByText(/is not accepted/).textContent).toContain("Authorization: Bearer");
  });

  it("copies the curl example", async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal("navigator", { clipboard: { writeText } });
    render(<ApiKeyUsage origin="https://sy.example" />);
    fireEvent.click(screen.getByRole("button", { name: "Copy curl example" }));
    expect(await screen.findByText("Copied.")).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith(curlExample("https://sy.example"));
  });
});
