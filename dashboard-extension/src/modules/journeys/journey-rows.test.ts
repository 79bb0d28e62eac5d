import { describe, expect, it } from "vitest";

import { type JourneyWithStats, conversionText, describeDelay, journeyRows, kindSpec, upliftSummary } from "./journey-rows";

const stats = { entered: 0, heldOut: 0, sent: 0, converted: 0, holdoutConverted: 0, revenue: { amount: 0, currency: "USD" }, offerCost: { amount: 0, currency: "USD" }, uplift: null, stages: [] };

const journey = (id: string, kind: JourneyWithStats["kind"], enabled = false): JourneyWithStats => ({
  id,
  kind,
  name: kind,
  enabled,
  holdoutPercent: 0,
  triggerSettings: { days: null, daysBefore: null, churnRiskPercent: null, segment: null },
  stages: [],
  stats,
});

describe("journey rows", () => {
  it("offers every built-in kind, none created yet, but not cart recovery or the segment kinds", () => {
    expect(journeyRows([]).map((row) => [row.key, row.journey])).toEqual([
      ["POST_PURCHASE", null],
      ["WIN_BACK", null],
      ["BIRTHDAY", null],
      ["TIER_UP", null],
      ["TIER_AT_RISK", null],
      ["POINTS_EXPIRING", null],
    ]);
  });

  it("keeps each kind's place, shows its journeys there, then cart recovery and segment ones", () => {
    const rows = journeyRows([journey("J6", "SEGMENT_LEFT"), journey("J5", "SEGMENT_JOINED"), journey("J9", "CART_RECOVERY"), journey("J2", "WIN_BACK", true), journey("J3", "WIN_BACK")]);
    expect(rows.map((row) => [row.key, row.spec.kind, row.journey?.id ?? null])).toEqual([
      ["POST_PURCHASE", "POST_PURCHASE", null],
      ["J2", "WIN_BACK", "J2"],
      ["J3", "WIN_BACK", "J3"],
      ["BIRTHDAY", "BIRTHDAY", null],
      ["TIER_UP", "TIER_UP", null],
      ["TIER_AT_RISK", "TIER_AT_RISK", null],
      ["POINTS_EXPIRING", "POINTS_EXPIRING", null],
      ["J9", "CART_RECOVERY", "J9"],
      ["J5", "SEGMENT_JOINED", "J5"],
      ["J6", "SEGMENT_LEFT", "J6"],
    ]);
  });

  it("knows each kind's settings with the server's ranges", () => {
    expect(kindSpec("WIN_BACK")?.settings.map((setting) => [setting.name, setting.path, setting.min, setting.max, setting.default])).toEqual([
      ["days", "days", 7, 730, 90],
      ["churnRiskPercent", "churn_risk_percent", 0, 100, 0],
    ]);
    expect(kindSpec("BIRTHDAY")?.settings.map((setting) => setting.name)).toEqual(["daysBefore"]);
    expect(kindSpec("CART_RECOVERY")?.readOnly?.note).toContain("Programme settings");
    expect(kindSpec("WIN_BACK")?.readOnly).toBeUndefined();
  });
});

describe("delays", () => {
  it.each([
    ["30m", 1_800, "30 min"],
    ["1h", 3_600, "1 h"],
    ["1d", 86_400, "1 day"],
    ["14d", 1_209_600, "14 days"],
    ["2w", 1_209_600, "2 weeks"],
    ["3600s", 3_600, "1 h"],
    ["259200s", 259_200, "3 days"],
    ["90s", 90, "90 s"],
  ])("%s (%i s) reads %s", (delay, seconds, text) => {
    expect(describeDelay(delay, seconds)).toBe(text);
  });
});

describe("uplift", () => {
  it("waits for both groups", () => {
    expect(upliftSummary(null)).toEqual({ value: "—", reading: "Needs customers in both the messaged and the held-out group." });
  });

  it("says no effect is shown while the interval holds 0", () => {
    expect(upliftSummary({ difference: 0.05, low: -0.021, high: 0.121 })).toEqual({ value: "+5.0 pts", reading: "95 % interval −2.1 pts to +12.1 pts: no effect shown yet" });
  });

  it("reads an interval above 0 as a rise and one below 0 as a fall", () => {
    expect(upliftSummary({ difference: 0.1, low: 0.02, high: 0.18 }).reading).toBe("95 % interval +2.0 pts to +18.0 pts: messages raise conversion");
    expect(upliftSummary({ difference: -0.1, low: -0.18, high: -0.02 })).toEqual({ value: "−10.0 pts", reading: "95 % interval −18.0 pts to −2.0 pts: messages lower conversion" });
  });
});

describe("conversion", () => {
  it("shows the share of the messaged group, or the count alone", () => {
    expect(conversionText(3, 12)).toBe("3 of 12 (25%)");
    expect(conversionText(0, 0)).toBe("0");
  });
});
