/**
 * Contract with the runtime: what the canvas writes must validate against
 * runtime/graphspec/graphspec.schema.json, and the runtime's demo specs must survive
 * a trip through the canvas. Skipped when the runtime files are not beside us.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { canvasToSpec, specToCanvas, TERMINAL_POSITIONS_KEY } from "./convert";
import { addStepNode, changeEdgeKind, connect, paste, copySelection, updateEdgeData } from "./canvasOps";
import { emptySpec, type GraphSpec } from "./graphspec";
import { supportTriage } from "./__fixtures__/specs";

const RUNTIME_DIR = join(__dirname, "..", "..", "..", "runtime");
const SCHEMA = join(RUNTIME_DIR, "graphspec", "graphspec.schema.json");
const DEMOS = join(RUNTIME_DIR, "examples");
const present = existsSync(SCHEMA);

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
}

function demoSpecs(): [string, GraphSpec][] {
  if (!existsSync(DEMOS)) return [];
  return readdirSync(DEMOS)
    .filter((f) => f.endsWith(".json") && f !== "graphs.json")
    .map((f) => [f, JSON.parse(readFileSync(join(DEMOS, f), "utf8")) as GraphSpec]);
}

/** A spec as the canvas writes it back: defaults made explicit, START/END positions added. */
function withoutCanvasExtras(spec: GraphSpec): unknown {
  const metadata = { ...(spec.metadata ?? {}) };
  delete metadata[TERMINAL_POSITIONS_KEY];
  return { ...spec, metadata };
}

describe.skipIf(!present)("GraphSpec JSON Schema contract", () => {
  it("accepts what the canvas writes for the fixture, an empty graph and an edited graph", () => {
    const validate = validator();
    const check = (spec: GraphSpec) => {
      const ok = validate(spec);
      expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
      expect(ok).toBe(true);
    };
    check(canvasToSpec(specToCanvas(supportTriage())));
    check(canvasToSpec(specToCanvas(emptySpec("Empty"))));

    let doc = specToCanvas(supportTriage());
    const r = addStepNode(doc, "router", "Route", { x: 10.5, y: 3.25 });
    doc = connect(r.doc, "__start__", r.id).doc;
    doc = connect(doc, r.id, "draft").doc;
    const second = connect(doc, r.id, "review");
    doc = updateEdgeData(second.doc, second.id!, { when: "state.category == 'x'" });
    doc = changeEdgeKind(doc, "e4", "fanout");
    doc = paste(doc, copySelection(doc, ["draft", "review"])!).doc;
    check(canvasToSpec(doc));
  });

  const demos = demoSpecs();
  it.skipIf(demos.length === 0)("round-trips the runtime's demo specs", () => {
    const validate = validator();
    for (const [file, spec] of demos) {
      expect(validate(spec), `${file} is valid to begin with`).toBe(true);
      const back = canvasToSpec(specToCanvas(spec));
      expect(validate(back), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      const expected = {
        routes: [],
        breakpoints: { before: [], after: [] },
        description: "",
        ...spec,
        nodes: spec.nodes.map((n) => ({ label: n.id, ...n, config: n.config ?? {} })),
        fanouts: (spec.fanouts ?? []).map((f) => ({ ...f, as: f.as ?? "item" })),
      };
      expect(withoutCanvasExtras(back), file).toEqual(withoutCanvasExtras(expected as GraphSpec));
    }
  });
});
