import { describe, expect, it } from "vitest";

import {
  appendChild,
  builderToDefinition,
  counterIds,
  definitionToBuilder,
  nodeIdsByPath,
  removeNode,
  updateNode,
} from "./builder-rows";
import { FIELD_SPECS, valueKind } from "./condition-fields";
import type { ConditionValue, DefinitionNode } from "./condition-tree";
import { parseDefinition, serializeDefinition } from "./condition-tree";

/** A sample value of the kind each field/operator pair takes. */
function sampleValue(field: string, kind: ReturnType<typeof valueKind>): ConditionValue {
  switch (kind) {
    case "amount":
      return 500.25;
    case "integer":
      return 3;
    case "score":
      return 4;
    case "range":
      return field.startsWith("rfm_") ? [2, 4] : [10, 20];
    case "boolean":
      return true;
    case "text":
      return field === "country" ? "DE" : field === "tags" ? "vip" : "Gold";
    case "text-list":
      return field === "country" ? ["DE", "AT"] : ["a", "b"];
    case "text-or-list":
      return "default-channel";
  }
}

const everyCondition: DefinitionNode[] = FIELD_SPECS.flatMap((spec) =>
  spec.operators.map((op) => ({ field: spec.name, op, value: sampleValue(spec.name, valueKind(spec, op)) })),
);

function roundTrip(tree: DefinitionNode): DefinitionNode {
  return builderToDefinition(definitionToBuilder(tree, counterIds()));
}

describe("condition tree ↔ builder rows", () => {
  it("covers every field and operator of docs/segments.md", () => {
    // 10 number fields × 7 operators, 3 equality fields × 3, tags × 4, 4 single-operator fields
    expect(everyCondition).toHaveLength(10 * 7 + 3 * 3 + 4 + 4);
    expect(new Set(everyCondition.map((node) => "field" in node && node.field)).size).toBe(18);
  });

  it.each(everyCondition.map((node) => [JSON.stringify(node), node] as const))(
    "round-trips %s alone, negated and inside groups",
    (_, condition) => {
      expect(roundTrip(condition)).toEqual(condition);
      expect(roundTrip({ not: condition })).toEqual({ not: condition });
      const nested: DefinitionNode = { all: [condition, { any: [{ not: condition }, condition] }] };
      expect(roundTrip(nested)).toEqual(nested);
    },
  );

  it("keeps days windows, channel lists and both value forms", () => {
    const tree: DefinitionNode = {
      any: [
        { field: "total_spent", op: "gt", value: 500, days: 365 },
        { field: "channel", op: "ordered_in", value: ["default-channel", "channel-pln"] },
        { field: "channel", op: "ordered_in", value: "channel-pln" },
        { field: "order_count", op: "between", value: [2, 5], days: 90 },
      ],
    };
    expect(roundTrip(tree)).toEqual(tree);
  });

  it("round-trips every example of docs/segments.md through JSON", () => {
    const examples = [
      '{"all": [{"field": "total_spent", "op": "gt", "value": 500, "days": 365}, {"field": "days_since_last_order", "op": "gt", "value": 60}]}',
      '{"all": [{"field": "loyalty_tier", "op": "in", "value": ["Gold", "Silver"]}, {"field": "country", "op": "in", "value": ["DE", "AT"]}, {"field": "marketing_consent", "op": "eq", "value": true}]}',
      '{"all": [{"field": "purchased_category", "op": "any_of", "value": ["shoes"]}, {"field": "tags", "op": "has_none", "value": ["returns"]}]}',
      '{"all": [{"field": "rfm_group", "op": "in", "value": ["champions", "loyal"]}, {"field": "order_count", "op": "gte", "value": 3}]}',
      '{"not": {"field": "days_since_last_order", "op": "lt", "value": 60}}',
    ];
    for (const json of examples) {
      const tree = parseDefinition(json);
      expect(JSON.parse(serializeDefinition(roundTrip(tree)))).toEqual(JSON.parse(json));
    }
  });

  it("maps groups and negations onto builder nodes", () => {
    const builder = definitionToBuilder(
      { all: [{ field: "tags", op: "has", value: "vip" }, { not: { any: [{ field: "country", op: "eq", value: "DE" }] } }] },
      counterIds(),
    );
    expect(builder).toEqual({
      kind: "group",
      id: "n1",
      negated: false,
      combinator: "all",
      children: [
        { kind: "row", id: "n2", negated: false, field: "tags", op: "has", value: "vip" },
        {
          kind: "group",
          id: "n3",
          negated: true,
          combinator: "any",
          children: [{ kind: "row", id: "n4", negated: false, field: "country", op: "eq", value: "DE" }],
        },
      ],
    });
  });

  it("wraps a bare condition in an AND group for editing and unwraps it again", () => {
    const builder = definitionToBuilder({ field: "tags", op: "has", value: "vip" }, counterIds());
    expect(builder.combinator).toBe("all");
    expect(builder.children).toHaveLength(1);
    expect(builderToDefinition(builder)).toEqual({ field: "tags", op: "has", value: "vip" });
  });

  it("collapses a double negation (same members)", () => {
    const condition: DefinitionNode = { field: "tags", op: "has", value: "vip" };
    expect(roundTrip({ not: { not: condition } })).toEqual(condition);
    expect(roundTrip({ not: { not: { not: condition } } })).toEqual({ not: condition });
  });

  it("keeps a row without a value (the API answers REQUIRED)", () => {
    expect(roundTrip({ all: [{ field: "tags", op: "has" }] })).toEqual({ all: [{ field: "tags", op: "has" }] });
  });

  it("keeps conditions on fields it does not know (a newer API)", () => {
    const tree: DefinitionNode = { all: [{ field: "shoe_size", op: "eq", value: 43 }] };
    expect(roundTrip(tree)).toEqual(tree);
  });

  it("round-trips a tree eight levels deep", () => {
    let tree: DefinitionNode = { field: "order_count", op: "gte", value: 1 };
    for (let level = 0; level < 7; level++) {
      tree = level % 2 === 0 ? { any: [tree, { field: "tags", op: "has", value: `t${level}` }] } : { not: { all: [tree] } };
    }
    expect(roundTrip(tree)).toEqual(tree);
  });
});

describe("builder edits", () => {
  it("adds, changes and removes rows without touching the original", () => {
    const ids = counterIds();
    const original = definitionToBuilder({ all: [{ field: "tags", op: "has", value: "vip" }] }, ids);
    const added = appendChild(original, original.id, {
      kind: "group",
      id: ids(),
      negated: true,
      combinator: "any",
      children: [{ kind: "row", id: "r1", negated: false, field: "country", op: "in", value: ["DE"] }],
    });
    const changed = updateNode(added, "r1", (node) => ({ ...node, negated: true }));
    expect(builderToDefinition(changed)).toEqual({
      all: [
        { field: "tags", op: "has", value: "vip" },
        { not: { any: [{ not: { field: "country", op: "in", value: ["DE"] } }] } },
      ],
    });
    expect(builderToDefinition(removeNode(changed, "r1"))).toEqual({
      all: [{ field: "tags", op: "has", value: "vip" }, { not: { any: [] } }],
    });
    expect(builderToDefinition(original)).toEqual({ all: [{ field: "tags", op: "has", value: "vip" }] });
  });

  it("keeps an edited lone condition wrapped once staff add to it", () => {
    const ids = counterIds();
    const builder = definitionToBuilder({ field: "tags", op: "has", value: "vip" }, ids);
    const withRow = appendChild(builder, builder.id, {
      kind: "row",
      id: ids(),
      negated: false,
      field: "order_count",
      op: "gte",
      value: 2,
    });
    expect(builderToDefinition(withRow)).toEqual({
      all: [
        { field: "tags", op: "has", value: "vip" },
        { field: "order_count", op: "gte", value: 2 },
      ],
    });
  });
});

describe("parseDefinition", () => {
  it("names the node at fault with the API's path", () => {
    expect(() => parseDefinition('{"all": [{"field": "tags", "op": "has"}, {"any": []}]}')).toThrow(
      "all[1]: \"any\" needs a non-empty list",
    );
    expect(() => parseDefinition('{"not": {"all": [3]}}')).toThrow("not.all[0]: a node must be an object");
    expect(() => parseDefinition("{")).toThrow("not valid JSON");
    expect(() => parseDefinition('{"field": "tags", "op": "has", "colour": 1}')).toThrow("unknown keys colour");
  });
});

describe("nodeIdsByPath", () => {
  it("maps the API's error paths onto builder nodes", () => {
    const builder = definitionToBuilder(
      { all: [{ field: "tags", op: "has", value: "vip" }, { not: { any: [{ field: "country", op: "eq", value: "DE" }] } }] },
      counterIds(),
    );
    const index = nodeIdsByPath(builder);
    expect(index.get("")).toBe("n1");
    expect(index.get("all[0]")).toBe("n2");
    expect(index.get("all[1]")).toBe("n3");
    expect(index.get("all[1].not")).toBe("n3");
    expect(index.get("all[1].not.any[0]")).toBe("n4");
  });

  it("maps the root path to a lone condition", () => {
    const builder = definitionToBuilder({ not: { field: "tags", op: "has", value: "vip" } }, counterIds());
    const index = nodeIdsByPath(builder);
    expect(index.get("")).toBe(builder.children[0]?.id);
    expect(index.get("not")).toBe(builder.children[0]?.id);
  });
});
