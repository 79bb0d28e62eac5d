import { describe, expect, it } from "vitest";

import { counterIds, definitionToBuilder } from "./builder-rows";
import type { DefinitionNode } from "./condition-tree";
import { validateBuilder } from "./validate-builder";

const build = (tree: DefinitionNode) => definitionToBuilder(tree, counterIds());

describe("validateBuilder", () => {
  it("accepts a complete definition", () => {
    const tree: DefinitionNode = { all: [{ field: "tags", op: "has", value: "vip" }, { not: { field: "country", op: "eq", value: "DE" } }] };
    expect(validateBuilder(build(tree), { hasChannel: false })).toEqual([]);
  });

  it("names each problem with the API's path", () => {
    const tree: DefinitionNode = {
      all: [
        { field: "tags", op: "has" },
        { not: { any: [{ field: "total_spent", op: "gt", value: 5 }, { field: "country", op: "eq", value: "DE", days: 30 }] } },
      ],
    };
    expect(validateBuilder(build(tree), { hasChannel: false }).map(({ path, message }) => ({ path, message }))).toEqual([
      { path: "all[0]", message: "Tags: enter a value." },
      { path: "all[1].not.any[0]", message: "Total spent needs the segment's channel." },
      { path: "all[1].not.any[1]", message: 'Country takes no "in the last N days".' },
    ]);
  });

  it("reports empty groups, depth and size", () => {
    let tree: DefinitionNode = { field: "order_count", op: "gte", value: 1 };
    for (let level = 0; level < 8; level++) tree = { all: [tree] };
    expect(validateBuilder(build(tree), { hasChannel: true }).map((p) => p.message)).toEqual([
      "At most 8 levels of groups (this has 9).",
    ]);
    const wide: DefinitionNode = { any: Array.from({ length: 100 }, () => ({ field: "order_count", op: "gte", value: 1 })) };
    expect(validateBuilder(build(wide), { hasChannel: true }).map((p) => p.message)).toEqual([
      "At most 100 conditions and groups (this has 101).",
    ]);
    const root = build({ all: [{ field: "order_count", op: "gte", value: 1 }] });
    root.children = [];
    expect(validateBuilder(root, { hasChannel: true }).map((p) => p.message)).toEqual([
      "This group is empty: add a condition or remove it.",
    ]);
  });
});
