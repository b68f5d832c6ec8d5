/** How the debugger names the model behind a streamed message. */

/** The runtime's scripted stand-in (`runtime/providers/fake.py`): not a real model. */
export const FAKE_PROVIDER = "fake";

/** "fake model (demo)" for the scripted fake, else "model (provider)"; null when nothing is known. */
export function modelLabel(provider?: string, model?: string): { text: string; fake: boolean; title: string } | null {
  if (!provider && !model) return null;
  if (provider === FAKE_PROVIDER) {
    return { text: "fake model (demo)", fake: true, title: `Scripted replies from the fake provider${model ? ` (${model})` : ""}, not a real LLM` };
  }
  const text = model && provider ? `${model} (${provider})` : (model ?? provider!);
  return { text, fake: false, title: `Provider: ${provider ?? "unknown"}; model: ${model ?? "unknown"}` };
}

/** Provider and model each `llm` node of a spec is configured with (the runtime's defaults: fake, fake-1). */
export function specNodeModels(spec: { nodes?: readonly { id: string; kind: string; config?: Record<string, unknown> }[] } | null | undefined): Record<string, { provider: string; model: string }> {
  const out: Record<string, { provider: string; model: string }> = {};
  for (const n of spec?.nodes ?? []) {
    if (n.kind !== "llm") continue;
    const c = n.config ?? {};
    out[n.id] = { provider: typeof c.provider === "string" && c.provider ? c.provider : FAKE_PROVIDER, model: typeof c.model === "string" && c.model ? c.model : "fake-1" };
  }
  return out;
}
