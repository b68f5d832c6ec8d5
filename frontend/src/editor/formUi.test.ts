import { describe, expect, it } from "vitest";
import type { NodeKindInfo } from "../api/types";
import catalog from "./__fixtures__/catalog.json";
import { configFormUi, namesStateField } from "./formUi";

const kinds = catalog as unknown as NodeKindInfo[];
const schemaOf = (k: string) => kinds.find((x) => x.kind === k)!.config_schema;
const opts = { stateFields: ["messages", "decision"] };

describe("configFormUi", () => {
  it("titles every property: its own title, else the key humanised", () => {
    const { schema } = configFormUi(schemaOf("llm"), opts);
    const props = schema.properties as Record<string, { title?: string }>;
    expect(props.input_messages_field!.title).toBe("Input messages field");
    expect(props.max_tokens!.title).toBe("Max tokens");
    const own = configFormUi({ type: "object", properties: { a_b: { type: "string", title: "Custom" } } }, opts).schema;
    expect((own.properties as Record<string, { title: string }>).a_b!.title).toBe("Custom");
  });

  it("draws prompts and templates as textareas, also inside lists", () => {
    const llm = configFormUi(schemaOf("llm"), opts).uiSchema;
    expect(llm.system).toMatchObject({ "ui:widget": "textarea" });
    expect(llm.messages).toMatchObject({ items: { content: { "ui:widget": "textarea" } } });
    const transform = configFormUi(schemaOf("transform"), opts).uiSchema;
    expect(transform.set).toMatchObject({ items: { template: { "ui:widget": "textarea" } } });
    expect(configFormUi({ properties: { note: { type: "string", "x-widget": "textarea" } } }, opts).uiSchema.note).toMatchObject({ "ui:widget": "textarea" });
  });

  it("offers the state fields where a property names one", () => {
    const human = configFormUi(schemaOf("human"), opts).uiSchema;
    expect(human.decision_field).toEqual({ "ui:widget": "stateField", "ui:options": { stateFields: ["messages", "decision"], nullable: false } });
    expect(human.editable_fields).toMatchObject({ items: { "ui:widget": "stateField" } });
    const llm = configFormUi(schemaOf("llm"), opts).uiSchema;
    expect(llm.input_messages_field).toMatchObject({ "ui:options": { nullable: true } });
    expect(configFormUi(schemaOf("transform"), opts).uiSchema.set).toMatchObject({ items: { field: { "ui:widget": "stateField" } } });
    expect(namesStateField("provider", { enum: ["fake"], type: "string" })).toBe(false);
  });
});
