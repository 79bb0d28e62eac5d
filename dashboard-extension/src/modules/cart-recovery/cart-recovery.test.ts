import { describe, expect, it } from "vitest";

import { abTestResults, differenceInterval, wilsonInterval, zTest } from "./ab-test";
import { recoveryFunnel, revenueAgainstCost, stageKindsFromConfig } from "./funnel";

const byStage = [
  { stage: 2, reminded: 60, recovered: 9, recoveredRevenue: 900, discountCost: 90 },
  { stage: 1, reminded: 100, recovered: 10, recoveredRevenue: 1000, discountCost: 0 },
  { stage: 3, reminded: 40, recovered: 1, recoveredRevenue: 80, discountCost: 0 },
];

describe("recovery funnel", () => {
  it("runs detected → each stage → recovered with shares", () => {
    const steps = recoveryFunnel({
      detected: 200,
      reminded: 100,
      recovered: 20,
      byStage,
      stageKinds: stageKindsFromConfig("1h | reminder\n24h | offer\n72h | last_call\n"),
    });
    expect(steps.map((step) => [step.label, step.count, step.shareOfFirst, step.shareOfPrevious])).toEqual([
      ["Abandoned (detected)", 200, 1, null],
      ["Reminded: stage 1 (reminder)", 100, 0.5, 0.5],
      ["Reminded: stage 2 (offer)", 60, 0.3, 0.6],
      ["Reminded: stage 3 (last call)", 40, 0.2, 40 / 60],
      ["Recovered", 20, 0.1, 0.5],
    ]);
  });

  it("shows the reminded step when no stage was sent, and survives zeros", () => {
    expect(recoveryFunnel({ detected: 3, reminded: 0, recovered: 0, byStage: [] })).toEqual([
      { key: "detected", label: "Abandoned (detected)", count: 3, shareOfFirst: 1, shareOfPrevious: null },
      { key: "reminded", label: "Reminded", count: 0, shareOfFirst: 0, shareOfPrevious: 0 },
      { key: "recovered", label: "Recovered", count: 0, shareOfFirst: 0, shareOfPrevious: null },
    ]);
    expect(recoveryFunnel({ detected: 0, reminded: 0, recovered: 0, byStage: [] })).toEqual([
      { key: "detected", label: "Abandoned (detected)", count: 0, shareOfFirst: null, shareOfPrevious: null },
      { key: "reminded", label: "Reminded", count: 0, shareOfFirst: null, shareOfPrevious: null },
      { key: "recovered", label: "Recovered", count: 0, shareOfFirst: null, shareOfPrevious: null },
    ]);
  });

  it("sets recovered revenue against discount cost per stage", () => {
    expect(revenueAgainstCost(byStage)).toEqual([
      { label: "Stage 1", recoveredRevenue: 1000, discountCost: 0, returnOnDiscount: null },
      { label: "Stage 2", recoveredRevenue: 900, discountCost: 90, returnOnDiscount: 10 },
      { label: "Stage 3", recoveredRevenue: 80, discountCost: 0, returnOnDiscount: null },
    ]);
  });
});

describe("A/B statistics", () => {
  it("reproduces the API's z-test example (holdout 1 of 4, 'ten' 4 of 5)", () => {
    const result = zTest(4, 5, 1, 4);
    expect(result?.z).toBeCloseTo(1.65, 2);
    expect(result?.pValue).toBeCloseTo(0.0989, 4);
    expect(zTest(0, 5, 0, 4)).toBeNull();
    expect(zTest(1, 0, 1, 4)).toBeNull();
  });

  it("gives Wilson intervals inside 0 … 1", () => {
    const interval = wilsonInterval(4, 5);
    expect(interval?.low).toBeCloseTo(0.3755, 4);
    expect(interval?.high).toBeCloseTo(0.9638, 4);
    expect(wilsonInterval(0, 10)?.low).toBe(0);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it("gives a difference interval that spans zero when the test is not significant", () => {
    const interval = differenceInterval(4, 5, 1, 4);
    expect(interval!.low).toBeLessThan(0);
    expect(interval!.high).toBeGreaterThan(0.55);
    const clear = differenceInterval(80, 100, 20, 100);
    expect(clear!.low).toBeGreaterThan(0.45);
    expect(clear!.high).toBeLessThan(0.72);
  });

  it("reads each variant against the reference", () => {
    const results = abTestResults([
      { name: "holdout", isReference: true, reminded: 4, recovered: 1, pValue: null, discountCost: 0, recoveredRevenue: 50 },
      { name: "ten", isReference: false, reminded: 5, recovered: 4, pValue: 0.0989, discountCost: 20, recoveredRevenue: 300 },
      { name: "twenty", isReference: false, reminded: 100, recovered: 80, pValue: 0.001, discountCost: 20, recoveredRevenue: 300 },
      { name: "empty", isReference: false, reminded: 0, recovered: 0, pValue: null, discountCost: 0, recoveredRevenue: 0 },
    ]);
    expect(results.map((result) => [result.name, result.rate, result.difference, result.verdict])).toEqual([
      ["holdout", 0.25, null, "reference"],
      ["ten", 0.8, 0.8 - 0.25, "no clear difference"],
      ["twenty", 0.8, 0.8 - 0.25, "better"],
      ["empty", null, null, "not enough data"],
    ]);
  });
});

describe("period", () => {
  it("starts on a whole hour, N days back", async () => {
    const { periodStart } = await import("./use-cart-recovery");
    expect(periodStart(30, new Date("2026-11-30T09:41:27.123Z"))).toBe("2026-10-31T09:00:00.000Z");
    expect(periodStart(null)).toBeNull();
  });
});
