import { describe, expect, it } from "vitest";

import { checkAdjustment, consentReasonAsk, consentSummary, entryLabel, parseTagInput, segmentWhy, signedPoints, tierProgress } from "./customer-summary";

describe("tier progress", () => {
  it("shows the way to the next tier", () => {
    expect(tierProgress({ tier: { name: "Silver" }, nextTier: { name: "Gold", threshold: 2000 }, progressToNextTier: 0.426 })).toEqual({
      label: "Silver",
      percent: 43,
      nextLabel: "Gold at 2,000",
    });
    expect(tierProgress({ tier: null, nextTier: { name: "Silver", threshold: 500 }, progressToNextTier: null })).toEqual({
      label: "No tier",
      percent: 0,
      nextLabel: "Silver at 500",
    });
  });

  it("knows the top tier and a programme without tiers", () => {
    expect(tierProgress({ tier: { name: "Gold" }, nextTier: null, progressToNextTier: null })).toEqual({ label: "Gold", percent: 100, nextLabel: "Highest tier" });
    expect(tierProgress({ tier: null, nextTier: null, progressToNextTier: null })).toEqual({ label: "No tier", percent: null, nextLabel: null });
  });
});

describe("ledger lines", () => {
  it("labels entries and signs points", () => {
    expect(entryLabel("ADJUST")).toBe("Adjusted");
    expect(entryLabel("NEW_KIND")).toBe("NEW_KIND");
    expect(signedPoints(1500)).toBe("+1,500");
    expect(signedPoints(-150)).toBe("-150");
  });
});

describe("segment explanations", () => {
  it("lists member segments first, with each condition's depth and actual value", () => {
    expect(
      segmentWhy([
        { isMember: false, segment: { id: "2", name: "Lapsed" }, conditions: [{ path: "", description: "Days since last order > 60", holds: false, actual: "12" }] },
        {
          isMember: true,
          segment: { id: "1", name: "VIPs" },
          conditions: [
            { path: "", description: "All of", holds: true, actual: null },
            { path: "all[0]", description: "Total spent > 500", holds: true, actual: "812.40" },
          ],
        },
      ]),
    ).toEqual([
      {
        id: "1",
        name: "VIPs",
        isMember: true,
        reasons: [
          { text: "All of", holds: true, depth: 0 },
          { text: "Total spent > 500 (actual: 812.40)", holds: true, depth: 1 },
        ],
      },
      { id: "2", name: "Lapsed", isMember: false, reasons: [{ text: "Days since last order > 60 (actual: 12)", holds: false, depth: 0 }] },
    ]);
  });
});

describe("tags and adjustments", () => {
  it("normalises typed tags like the API", () => {
    expect(parseTagInput("  VIP , Black   Friday,vip,")).toEqual(["vip", "black friday"]);
  });

  it("checks an adjustment before confirming it", () => {
    expect(checkAdjustment("150", "Goodwill for late delivery", 0)).toEqual({ ok: true, points: 150, reason: "Goodwill for late delivery" });
    expect(checkAdjustment("-150", "Given twice", 100)).toEqual({ ok: false, field: "points", message: "The balance is 100; a deduction cannot take it below zero." });
    expect(checkAdjustment("0", "x", 100)).toMatchObject({ ok: false, field: "points" });
    expect(checkAdjustment("1.5", "x", 100)).toMatchObject({ ok: false, field: "points" });
    expect(checkAdjustment("+20", "   ", 100)).toEqual({ ok: false, field: "reason", message: "A reason is required; the customer sees it." });
  });
});

describe("consent summary", () => {
  it("says who answered and when", () => {
    expect(consentSummary({ granted: true, source: "customer", updatedAt: "2026-03-01T10:00:00Z" })).toEqual({ state: "given", text: "Given by the customer on Mar 1, 2026." });
    expect(consentSummary({ granted: false, source: "unsubscribe_link", updatedAt: "2026-04-01T10:00:00Z" })).toEqual({
      state: "withdrawn",
      text: "Withdrawn through an unsubscribe link on Apr 1, 2026.",
    });
    expect(consentSummary({ granted: false, source: "something_new", updatedAt: "2026-04-01T10:00:00Z" }).text).toBe("Withdrawn (something_new) on Apr 1, 2026.");
  });

  it("explains a customer who never answered", () => {
    expect(consentSummary(null)).toEqual({ state: "unknown", text: "Never answered: the channel's consent default applies (no marketing unless it is switched on)." });
  });
});

describe("consent reason", () => {
  it("requires a reason to give back a withdrawn consent", () => {
    expect(consentReasonAsk(true, "withdrawn", "  ")).toEqual({
      label: "How did the customer agree? (e.g. phone call on 1 Dec)",
      hint: "Required: the customer withdrew this consent. The reason is recorded with your name in their consent history.",
      ok: false,
    });
    expect(consentReasonAsk(true, "withdrawn", "Phone call on 1 Dec").ok).toBe(true);
  });

  it("leaves it optional otherwise", () => {
    expect(consentReasonAsk(true, "unknown", "")).toEqual({ label: "How did the customer agree? (optional, e.g. phone call on 1 Dec)", hint: null, ok: true });
    expect(consentReasonAsk(true, "given", "").ok).toBe(true);
    expect(consentReasonAsk(false, "withdrawn", "")).toEqual({ label: "Reason (optional)", hint: null, ok: true });
  });
});
