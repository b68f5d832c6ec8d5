import { describe, expect, it } from "vitest";
import type { NodeKindInfo } from "../api/types";
import type { GraphSpec } from "../model/graphspec";
import { configFieldName, describePointer, describeProblem, describePublishError, humanizeKey, plural } from "./problemText";

const kinds: NodeKindInfo[] = [
  {
    kind: "llm",
    title: "LLM",
    description: "",
    config_schema: { type: "object", properties: { max_tokens: { type: "integer", title: "Max tokens (reply)" }, input_messages_field: { type: "string" } } },
  },
  {
    kind: "transform",
    title: "Transform",
    description: "",
    config_schema: { type: "object", properties: { set: { type: "array", title: "Assignments", items: { type: "object", properties: { field: { type: "string" } } } } } },
  },
];

const spec: GraphSpec = {
  spec_version: 1,
  name: "G",
  state: { fields: [{ name: "messages", type: "messages" }] },
  nodes: [
    { id: "n_9e1ca529aa", kind: "llm", label: "Draft reply", config: {} },
    { id: "n_b", kind: "transform", label: "Tidy", config: {} },
  ],
  edges: [],
};

describe("problem text", () => {
  it("humanises keys and pluralises", () => {
    expect(humanizeKey("input_messages_field")).toBe("Input messages field");
    expect(humanizeKey("maxTokens")).toBe("Max tokens");
    expect(plural(1, "error")).toBe("1 error");
    expect(plural(2, "error")).toBe("2 errors");
  });

  it("names config fields by schema title, else the humanised key, through arrays", () => {
    const schema = kinds[1]!.config_schema;
    expect(configFieldName(schema, ["set", "1", "field"])).toBe("Assignments › #2 › Field");
    expect(describePointer("/nodes/0/config/max_tokens", spec, kinds)).toBe("Draft reply › Max tokens (reply)");
    expect(describePointer("/state/fields/0/type", spec, kinds)).toBe("State field “messages” › Type");
  });

  it("turns a schema message's leading pointer into words and keeps the pointer apart", () => {
    const p = { pointer: "/nodes/0/config/max_tokens", message: "'/nodes/0/config/max_tokens': -5 is less than the minimum of 1.", severity: "error" as const, code: "schema" };
    expect(describeProblem(p, spec, kinds)).toEqual({ text: "Draft reply › Max tokens (reply): -5 is less than the minimum of 1.", pointer: "/nodes/0/config/max_tokens" });
    const needs = { pointer: "/nodes/1/config/set/0/field", message: "'/nodes/1/config/set/0' needs 'field'.", severity: "error" as const, code: "schema" };
    expect(describeProblem(needs, spec, kinds).text).toBe("Tidy › Assignments › #1 needs 'field'.");
  });

  it("shows node labels instead of ids", () => {
    const p = { pointer: "/nodes/0", message: "Node 'n_9e1ca529aa' cannot be reached from __start__; connect an edge to it.", severity: "warning" as const, code: "unreachable" };
    expect(describeProblem(p, spec, kinds).text).toBe("Node “Draft reply” cannot be reached from Start; connect an edge to it.");
  });

  it("reads the server's publish refusal once per problem", () => {
    const msg =
      "the draft is not a valid graph: error at /nodes/0/config/max_tokens: '/nodes/0/config/max_tokens': -5 is less than the minimum of 1. [schema]; error at /nodes/1: Node 'n_b' has no way out. [dead_end]";
    expect(describePublishError(msg, spec, kinds)).toEqual({
      intro: "The draft is not a valid graph",
      lines: ["Draft reply › Max tokens (reply): -5 is less than the minimum of 1.", "Node “Tidy” has no way out."],
    });
    expect(describePublishError("Something else", spec, kinds)).toBeNull();
  });
});
