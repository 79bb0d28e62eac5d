// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { permissionDenied, renderWithApi } from "../../test/render-with-api";
import { LoyaltyTab } from "./loyalty-tab";

afterEach(cleanup);

const channel = { id: "Q2hhbm5lbDox", slug: "default-channel", name: "Default Channel", currencyCode: "USD" };
const usd = (amount: number) => ({ amount, currency: "USD" });

const overview = (isActive = true) => ({
  data: {
    loyaltyProgram: {
      channel: "default-channel",
      isActive,
      earnPoints: 1,
      earnAmount: usd(1),
      pointValue: usd(0.01),
      pendingDays: 14,
      expiryDays: 365,
      tierBasis: "LIFETIME_POINTS",
      tierWindowDays: 365,
      signupBonus: 0,
      birthdayBonus: 0,
      tiers: [
        { name: "Silver", threshold: 500, multiplier: 1.25 },
        { name: "Gold", threshold: 2000, multiplier: 1.5 },
      ],
    },
    all: { totalCount: 100 },
    topEarners: { edges: [] },
  },
});

const bucket = (start: string, figures: Partial<Record<"issued" | "adjusted" | "redeemed" | "expired" | "reversed" | "liabilityPoints", number>>) => {
  const liabilityPoints = figures.liabilityPoints ?? 0;
  return { start, issued: 0, adjusted: 0, redeemed: 0, expired: 0, reversed: 0, ...figures, liabilityPoints, liability: usd(liabilityPoints / 100) };
};

const report = {
  data: {
    loyaltyReport: {
      currency: "USD",
      unit: "MONTH",
      buckets: [
        bucket("2026-10-01T00:00:00Z", { issued: 4000, liabilityPoints: 4000 }),
        bucket("2026-11-01T00:00:00Z", { issued: 1200, adjusted: -25, redeemed: 300, expired: 50, reversed: 100, liabilityPoints: 4725 }),
      ],
      tiers: [
        { tier: "", accounts: 80 },
        { tier: "Silver", accounts: 15 },
        { tier: "Gold", accounts: 5 },
      ],
    },
  },
};

describe("loyalty programme tab", () => {
  it("shows liability, the points flow and the tiers from loyaltyReport, asking by month for the last 12 months", async () => {
    const { calls } = renderWithApi(<LoyaltyTab channel={channel} />, { LoyaltyProgrammeOverview: overview(), LoyaltyReport: report });
    await waitFor(() => expect(screen.getByTestId("liability").textContent).toContain("$47.25"));
    expect(screen.getByTestId("liability").textContent).toContain("4,725 pt");
    expect(screen.getByTestId("issued").textContent).toContain("5,200");
    expect(screen.getByTestId("redeemed").textContent).toContain("5.8% of issued");
    expect(screen.getByTestId("adjusted").textContent).toContain("-25");
    const flow = within(screen.getByTestId("points-flow-table")).getAllByRole("row");
    expect(flow.map((row) => row.textContent)).toEqual([
      "BucketIssuedAdjustedRedeemedExpiredReversedLiability (pt)Liability (USD)",
      "Oct 20264,00000004,000$40.00",
      "Nov 20261,200-25300501004,725$47.25",
    ]);
    const tiers = within(screen.getByTestId("tier-table")).getAllByRole("row");
    expect(tiers.map((row) => row.textContent)).toEqual(["TierAccountsShare", "No tier8080%", "Silver1515%", "Gold55%"]);
    const asked = calls.find((call) => call.operationName === "LoyaltyReport");
    expect(asked?.variables).toMatchObject({ channel: "default-channel", unit: "MONTH" });
    const gte = (asked?.variables.period as { gte: string }).gte;
    expect(Date.now() - Date.parse(gte)).toBeGreaterThanOrEqual(365 * 86_400_000);
    expect(calls.some((call) => call.operationName === "LoyaltyTierCount")).toBe(false);
  });

  it("names the missing permission", async () => {
    renderWithApi(<LoyaltyTab channel={channel} />, {
      LoyaltyProgrammeOverview: { data: { loyaltyProgram: null, all: null, topEarners: null }, errors: [permissionDenied("MANAGE_USERS", ["loyaltyProgram"])] },
      LoyaltyReport: { data: { loyaltyReport: null }, errors: [permissionDenied("MANAGE_USERS", ["loyaltyReport"])] },
    });
    await waitFor(() => expect(screen.getByTestId("missing-permission").textContent).toContain("MANAGE_USERS"));
  });

  it("shows a report error in its sections and keeps the rest", async () => {
    renderWithApi(<LoyaltyTab channel={channel} />, {
      LoyaltyProgrammeOverview: overview(),
      LoyaltyReport: { data: { loyaltyReport: null }, errors: [{ message: "At most 400 buckets; choose a longer bucket.", path: ["loyaltyReport"] }] },
    });
    await waitFor(() => expect(within(screen.getByTestId("points-flow")).getByTestId("error").textContent).toContain("At most 400 buckets"));
    expect(within(screen.getByTestId("tier-distribution")).getByTestId("error")).toBeTruthy();
    expect(screen.getByTestId("accounts").textContent).toContain("100");
  });

  it("says so when no points moved, and when the programme is off", async () => {
    renderWithApi(<LoyaltyTab channel={channel} />, {
      LoyaltyProgrammeOverview: overview(false),
      LoyaltyReport: {
        data: { loyaltyReport: { currency: "USD", unit: "MONTH", buckets: [bucket("2026-11-01T00:00:00Z", {})], tiers: [{ tier: "", accounts: 0 }, { tier: "Silver", accounts: 0 }, { tier: "Gold", accounts: 0 }] } },
      },
    });
    await waitFor(() => expect(within(screen.getByTestId("points-flow")).getByTestId("empty").textContent).toContain("No points in this period"));
    expect(screen.getByTestId("inactive-programme")).toBeTruthy();
    expect(screen.getByTestId("tier-distribution").textContent).toContain("No accounts yet.");
  });

  it("treats an unknown channel as such", async () => {
    renderWithApi(<LoyaltyTab channel={channel} />, {
      LoyaltyProgrammeOverview: { data: { loyaltyProgram: null, all: null, topEarners: null } },
      LoyaltyReport: { data: { loyaltyReport: null } },
    });
    await waitFor(() => expect(screen.getByTestId("empty").textContent).toContain("Unknown channel"));
  });
});
