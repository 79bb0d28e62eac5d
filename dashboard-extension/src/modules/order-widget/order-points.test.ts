import { describe, expect, it } from "vitest";

import { offerTerms, orderPointsView, orderRecoveryStats } from "./order-points";
import { orderLoyalty, orderRecovery } from "./test-answers";

describe("orderPointsView", () => {
  it("lists earned, pending with its end, reversed and redeemed with what they paid", () => {
    expect(orderPointsView(orderLoyalty, { isGuest: false, programmeActive: null })).toEqual({
      kind: "points",
      stats: [
        { label: "Earned", value: "120", testId: "order-earned" },
        { label: "Pending", value: "90", hint: "until Dec 14, 2026", testId: "order-pending" },
        { label: "Reversed", value: "30", hint: "refunds, cancellation", testId: "order-reversed" },
        { label: "Redeemed", value: "500", hint: "paid $5.00", testId: "order-redeemed" },
      ],
    });
  });

  it("gives no end date when nothing is pending", () => {
    const view = orderPointsView({ ...orderLoyalty, pending: 0, redeemed: 0 }, { isGuest: false, programmeActive: true });
    expect(view.kind === "points" && view.stats[1]).toEqual({ label: "Pending", value: "0", hint: undefined, testId: "order-pending" });
    expect(view.kind === "points" && view.stats[3]?.hint).toBe("paid with points");
  });

  it("tells a guest order, an inactive programme and an order without points apart", () => {
    expect(orderPointsView(null, { isGuest: true, programmeActive: false })).toEqual({ kind: "guest" });
    expect(orderPointsView(null, { isGuest: false, programmeActive: false })).toEqual({ kind: "inactive" });
    expect(orderPointsView(null, { isGuest: false, programmeActive: true })).toEqual({ kind: "none" });
    expect(orderPointsView(null, { isGuest: false, programmeActive: null })).toEqual({ kind: "none" });
  });
});

describe("orderRecoveryStats", () => {

  it("shows the cart, its reminders, the offer and the discount", () => {
    expect(orderRecoveryStats(orderRecovery)).toEqual([
      { label: "Recovered cart", value: "$50.00", hint: "abandoned Nov 2, 2026", testId: "recovery-cart" },
      { label: "Reminders", value: "2 reminders", hint: "variant ten-percent", testId: "recovery-reminders" },
      { label: "Offer", value: "CART-ABC", hint: "used · 10% off the cart's items", testId: "recovery-offer" },
      { label: "Discount", value: "$5.00", testId: "recovery-discount" },
    ]);
  });

  it("says when the shopper came back before any reminder and without an offer", () => {
    const stats = orderRecoveryStats({
      abandonedCheckout: { ...orderRecovery.abandonedCheckout, status: "COMPLETED", remindersSent: 0, variant: null },
      offer: null,
      discount: { amount: 0, currency: "USD" },
    });
    expect(stats?.map((stat) => [stat.label, stat.value, stat.hint])).toEqual([
      ["Completed cart", "$50.00", "abandoned Nov 2, 2026"],
      ["Reminders", "0 reminders", undefined],
      ["Offer", "none", undefined],
      ["Discount", "$0.00", undefined],
    ]);
  });

  it("is null for an order that completed no abandoned checkout", () => {
    expect(orderRecoveryStats(null)).toBeNull();
  });
});

describe("offerTerms", () => {
  it("describes percentage, fixed and free-shipping offers in the channel currency", () => {
    expect(offerTerms({ code: "A", status: "LIVE", discountType: "fixed", value: 500, scope: "order" }, "JPY")).toBe("¥500 off the order");
    expect(offerTerms({ code: "A", status: "LIVE", discountType: "free_shipping", value: 0, scope: "order" }, "USD")).toBe("free shipping");
  });
});
