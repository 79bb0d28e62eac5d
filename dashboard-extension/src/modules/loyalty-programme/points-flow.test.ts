import { describe, expect, it } from "vitest";

import { bucketCount, bucketLabel, currentLiability, fittingUnit, flowTotals, pointsFlowRows, reportPeriod, tierDistribution, tooManyBuckets } from "./points-flow";

const usd = (amount: number) => ({ amount, currency: "USD" });
const buckets = [
  { start: "2026-11-01T00:00:00Z", issued: 1200, adjusted: -25, redeemed: 300, expired: 50, reversed: 100, liabilityPoints: 4725, liability: usd(47.25) },
  { start: "2026-10-01T00:00:00Z", issued: 4000, adjusted: 0, redeemed: 0, expired: 0, reversed: 0, liabilityPoints: 4000, liability: usd(40) },
];

describe("points flow", () => {
  it("orders buckets, draws outflows below zero, keeps adjustments signed and takes the API's liability", () => {
    expect(pointsFlowRows(buckets, "USD")).toEqual([
      { label: "Oct 2026", start: "2026-10-01T00:00:00Z", issued: 4000, adjusted: 0, redeemed: 0, expired: 0, reversed: 0, net: 4000, liabilityPoints: 4000, liability: 40 },
      { label: "Nov 2026", start: "2026-11-01T00:00:00Z", issued: 1200, adjusted: -25, redeemed: -300, expired: -50, reversed: -100, net: 725, liabilityPoints: 4725, liability: 47.25 },
    ]);
  });

  it("rounds the liability to the currency", () => {
    const [row] = pointsFlowRows([{ ...buckets[0]!, liability: { amount: 4751.4, currency: "JPY" } }], "JPY");
    expect(row?.liability).toBe(4751);
    const [kwd] = pointsFlowRows([{ ...buckets[0]!, liability: { amount: 4.99549, currency: "KWD" } }], "KWD");
    expect(kwd?.liability).toBe(4.995);
  });

  it("labels rows by the report's unit", () => {
    const [row] = pointsFlowRows([{ ...buckets[0]!, start: "2026-11-23T00:00:00Z" }], "USD", "WEEK");
    expect(row?.label).toBe("Nov 23, 2026");
  });

  it("totals the period, adjustments signed", () => {
    expect(flowTotals(buckets)).toEqual({ issued: 5200, adjusted: -25, redeemed: 300, expired: 50, reversed: 100, redemptionRate: 300 / 5200 });
    expect(flowTotals([]).redemptionRate).toBeNull();
  });

  it("takes the current liability from the latest bucket", () => {
    expect(currentLiability(buckets)?.liabilityPoints).toBe(4725);
    expect(currentLiability([])).toBeNull();
  });

  it("labels buckets in UTC", () => {
    expect(bucketLabel("2026-01-01T00:00:00Z")).toBe("Jan 2026");
    expect(bucketLabel("2026-01-01T00:00:00Z", "MONTH", "de-DE")).toBe("Jan. 2026");
    expect(bucketLabel("2026-01-05T00:00:00Z", "DAY")).toBe("Jan 5, 2026");
    expect(bucketLabel("2025-12-31T23:30:00-01:00", "DAY")).toBe("Jan 1, 2026");
  });
});

describe("tier distribution", () => {
  it("keeps the API's order and names the accounts below the first tier", () => {
    expect(
      tierDistribution([
        { tier: "", accounts: 80 },
        { tier: "Silver", accounts: 15 },
        { tier: "Gold", accounts: 5 },
      ]),
    ).toEqual([
      { tier: "No tier", customerCount: 80, share: 0.8 },
      { tier: "Silver", customerCount: 15, share: 0.15 },
      { tier: "Gold", customerCount: 5, share: 0.05 },
    ]);
  });

  it("handles a programme without accounts", () => {
    expect(tierDistribution([{ tier: "", accounts: 0 }])).toEqual([{ tier: "No tier", customerCount: 0, share: 0 }]);
    expect(tierDistribution([])).toEqual([]);
  });
});

describe("report period and unit", () => {
  it("counts buckets as the API does (at most 400)", () => {
    expect(bucketCount(365, "DAY")).toBe(366);
    expect(bucketCount(365, "WEEK")).toBe(54);
    expect(bucketCount(365, "MONTH")).toBe(15);
    expect(tooManyBuckets(399, "DAY")).toBe(false);
    expect(tooManyBuckets(400, "DAY")).toBe(true);
    expect(tooManyBuckets(1825, "WEEK")).toBe(false);
  });

  it("falls back to a longer unit when the period has too many buckets", () => {
    expect(fittingUnit(365, "DAY")).toBe("DAY");
    expect(fittingUnit(730, "DAY")).toBe("WEEK");
    expect(fittingUnit(730, "MONTH")).toBe("MONTH");
    expect(fittingUnit(3000, "DAY")).toBe("MONTH");
    expect(fittingUnit(100_000, "WEEK")).toBe("MONTH");
  });

  it("starts the period on a whole hour, in UTC", () => {
    expect(reportPeriod(30, new Date("2026-11-30T10:54:08.123Z"))).toEqual({ gte: "2026-10-31T10:00:00.000Z" });
  });
});
