import { describe, expect, it } from "vitest";

import { tagHint, tagOptions } from "./tag-options";

const counts = [
  { tag: "vip", customerCount: 1200, automatic: false },
  { tag: "big spender", customerCount: 40, automatic: true },
  { tag: "wholesale", customerCount: 1, automatic: false },
];

describe("tag options", () => {
  it("hints at a tag's customers and whether a segment sets it", () => {
    expect(counts.map(tagHint)).toEqual(["1,200 customers", "40 customers · set by a segment", "1 customer"]);
  });

  it("keeps the API's order, leaves out the customer's own tags and stops at the limit", () => {
    expect(tagOptions(counts, [" VIP "])).toEqual([
      { value: "big spender", label: "big spender", hint: "40 customers · set by a segment" },
      { value: "wholesale", label: "wholesale", hint: "1 customer" },
    ]);
    expect(tagOptions(counts, [], 1).map((option) => option.value)).toEqual(["vip"]);
    expect(tagOptions([], ["vip"])).toEqual([]);
  });
});
