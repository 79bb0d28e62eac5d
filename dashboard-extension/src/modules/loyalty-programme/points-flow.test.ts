import { describe, expect, it } from "vitest";

import { bucketLabel, flowTotals, pointsFlowRows, pointsToMoney, tierDistribution } from "./points-flow";

const buckets = [
  { start: "2026-11-01T00:00:00Z", issued: 1200, redeemed: 300, expired: 50, reversed: 100, liabilityPoints: 4750 },
  { start: "2026-10-01T00:00:00Z", issued: 4000, redeemed: 0, expired: 0, reversed: 0, liabilityPoints: 4000 },
];

describe("points flow", () => {
  it("orders buckets, draws outflows below zero and prices the liability", () => {
    expect(pointsFlowRows(buckets, { pointValue: 0.01, currency: "USD" })).toEqual([
      { label: "Oct 2026", start: "2026-10-01T00:00:00Z", issued: 4000, redeemed: 0, expired: 0, reversed: 0, net: 4000, liabilityPoints: 4000, liability: 40 },
      { label: "Nov 2026", start: "2026-11-01T00:00:00Z", issued: 1200, redeemed: -300, expired: -50, reversed: -100, net: 750, liabilityPoints: 4750, liability: 47.5 },
    ]);
  });

  it("prefers the API's money figure, rounded to the currency", () => {
    const [row] = pointsFlowRows(
      [{ ...buckets[0]!, liability: { amount: 4751.4, currency: "JPY" } }],
      { pointValue: 1, currency: "JPY" },
    );
    expect(row?.liability).toBe(4751);
  });

  it("prices points in each currency's precision", () => {
    expect(pointsToMoney(333, 0.015, "USD")).toBe(5);
    expect(pointsToMoney(333, 0.015, "KWD")).toBe(4.995);
    expect(pointsToMoney(333, 1.5, "JPY")).toBe(500);
  });

  it("totals the period", () => {
    expect(flowTotals(buckets)).toEqual({ issued: 5200, redeemed: 300, expired: 50, reversed: 100, redemptionRate: 300 / 5200 });
    expect(flowTotals([]).redemptionRate).toBeNull();
  });

  it("labels buckets in UTC", () => {
    expect(bucketLabel("2026-01-01T00:00:00Z")).toBe("Jan 2026");
    expect(bucketLabel("2026-01-01T00:00:00Z", "de-DE")).toBe("Jan. 2026");
  });
});

describe("tier distribution", () => {
  it("puts accounts below the first tier in 'No tier'", () => {
    expect(
      tierDistribution(
        [
          { name: "Gold", threshold: 2000 },
          { name: "Silver", threshold: 500 },
        ],
        { Gold: 5, Silver: 15 },
        100,
      ),
    ).toEqual([
      { tier: "No tier", customerCount: 80, share: 0.8 },
      { tier: "Silver", customerCount: 15, share: 0.15 },
      { tier: "Gold", customerCount: 5, share: 0.05 },
    ]);
  });

  it("handles a programme without accounts", () => {
    expect(tierDistribution([], {}, 0)).toEqual([{ tier: "No tier", customerCount: 0, share: 0 }]);
  });
});
