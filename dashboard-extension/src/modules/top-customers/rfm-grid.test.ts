import { describe, expect, it } from "vitest";

import { RFM_GROUPS } from "../segments/condition-fields";
import { fmScore, rfmCellDefinition, rfmGrid, rfmGroupOf } from "./rfm-grid";

describe("RFM groups", () => {
  it("puts each of the 25 cells in exactly one group, as docs/segments.md's table", () => {
    const rows: Record<number, string[]> = {};
    for (let recency = 5; recency >= 1; recency--) {
      rows[recency] = [1, 2, 3, 4, 5].map((fm) => rfmGroupOf(recency, fm));
    }
    expect(rows).toEqual({
      5: ["new", "potential_loyalist", "potential_loyalist", "champions", "champions"],
      4: ["promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"],
      3: ["about_to_sleep", "about_to_sleep", "needs_attention", "loyal", "loyal"],
      2: ["hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose_them"],
      1: ["lost", "lost", "at_risk", "at_risk", "cannot_lose_them"],
    });
    const used = new Set(Object.values(rows).flat());
    expect([...used].sort()).toEqual(RFM_GROUPS.map((group) => group.slug).sort());
  });

  it("rounds FM half up", () => {
    expect(fmScore(1, 2)).toBe(2);
    expect(fmScore(4, 5)).toBe(5);
    expect(fmScore(3, 3)).toBe(3);
  });
});

describe("RFM heat map", () => {
  it("places the API's cells, empty ones at zero", () => {
    const usd = (amount: number) => ({ amount });
    const cells = rfmGrid([
      { recency: 5, fm: 5, customerCount: 10, revenue: usd(1000) },
      { recency: 5, fm: 4, customerCount: 5, revenue: usd(400.5) },
      { recency: 1, fm: 1, customerCount: 2, revenue: usd(20) },
    ]);
    expect(cells).toHaveLength(25);
    expect(cells[0]).toEqual({ recency: 5, fm: 1, group: "new", customerCount: 0, revenue: 0, groupCount: 0, intensity: 0 });
    expect(cells[4]).toEqual({ recency: 5, fm: 5, group: "champions", customerCount: 10, revenue: 1000, groupCount: 15, intensity: 1 });
    expect(cells[3]?.intensity).toBe(0.5);
    expect(cells[20]).toEqual({ recency: 1, fm: 1, group: "lost", customerCount: 2, revenue: 20, groupCount: 2, intensity: 0.2 });
    expect(rfmGrid([]).every((cell) => cell.intensity === 0 && cell.customerCount === 0)).toBe(true);
  });

  it("links a cell to exactly its customers", () => {
    const pair = (frequency: number, monetary: number) => ({
      all: [
        { field: "rfm_frequency", op: "eq", value: frequency },
        { field: "rfm_monetary", op: "eq", value: monetary },
      ],
    });
    expect(rfmCellDefinition({ recency: 5, fm: 1 })).toEqual({
      all: [{ field: "rfm_recency", op: "eq", value: 5 }, { any: [pair(1, 1)] }],
    });
    for (let fm = 1; fm <= 5; fm++) {
      const definition = rfmCellDefinition({ recency: 3, fm }) as { all: [unknown, { any: unknown[] }] };
      const pairs = definition.all[1].any.length;
      expect(pairs).toBe([1, 5, 9, 7, 3][fm - 1]);
    }
    const total = [1, 2, 3, 4, 5].reduce((sum, fm) => sum + (rfmCellDefinition({ recency: 1, fm }) as { all: [unknown, { any: unknown[] }] }).all[1].any.length, 0);
    expect(total).toBe(25);
  });
});
