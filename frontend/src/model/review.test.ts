import { describe, expect, it } from "vitest";
import { reviewAnswer, reviewRequest } from "./review";

const HUMAN = {
  kind: "human",
  node: "review",
  title: "Approve the reply",
  instructions: "Check the tone.",
  fields: { draft: "Hello", score: 3 },
  editable_fields: ["draft"],
  form_schema: {
    type: "object",
    required: ["decision"],
    properties: { decision: { type: "string", enum: ["approve", "reject"] }, comment: { type: "string" } },
  },
};

describe("reviewRequest", () => {
  it("reads the runtime's human node payload and adds inputs for editable fields", () => {
    const r = reviewRequest(HUMAN, "review");
    expect(r.title).toBe("Approve the reply");
    expect(r.fields).toEqual({ draft: "Hello", score: 3 });
    expect(r.hasDecision).toBe(true);
    expect(Object.keys((r.form as { properties: object }).properties)).toEqual(["decision", "comment", "draft"]);
    expect((r.form as { properties: Record<string, unknown> }).properties.draft).toEqual({ title: "draft", type: "string", default: "Hello" });
    expect(r.raw).toBeUndefined();
  });

  it("starts the node's own input for an editable field from the value under review", () => {
    const own = { ...HUMAN, form_schema: { ...HUMAN.form_schema, properties: { ...HUMAN.form_schema.properties, draft: { type: "string", title: "Reply" } } } };
    const props = (reviewRequest(own, "review").form as { properties: Record<string, unknown> }).properties;
    expect(props.draft).toEqual({ type: "string", title: "Reply", default: "Hello" });
  });

  it("accepts a {form} payload, a re-ask with an error, and plain values", () => {
    expect(reviewRequest({ title: "T", form: { type: "object", properties: { ok: { type: "boolean" } } } }, "n").hasDecision).toBe(false);
    expect(reviewRequest({ ...HUMAN, error: "decision is required" }, "review").error).toBe("decision is required");
    const plain = reviewRequest("Continue?", "gate");
    expect(plain).toMatchObject({ title: "Review at gate", form: null, hasDecision: true, raw: "Continue?" });
  });
});

describe("reviewAnswer", () => {
  const r = reviewRequest(HUMAN, "review");
  it("sets the decision from the button and only writes edits on edit", () => {
    expect(reviewAnswer(r, "approve", { comment: "ok", draft: "Hi" })).toEqual({ comment: "ok", decision: "approve" });
    expect(reviewAnswer(r, "reject", { decision: "approve" })).toEqual({ decision: "reject" });
    expect(reviewAnswer(r, "edit", { draft: "Hi" })).toEqual({ draft: "Hi", decision: "approve" });
  });

  it("sends the form as is when it has no decision", () => {
    const custom = reviewRequest({ form: { type: "object", properties: { ok: { type: "boolean" } } } }, "n");
    expect(reviewAnswer(custom, "submit", { ok: true })).toEqual({ ok: true });
  });
});
