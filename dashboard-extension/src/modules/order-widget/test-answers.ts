/* The API's answers about one order, shared by the order widget's tests. */

export const orderLoyalty = {
  earned: 120,
  pending: 90,
  pendingUntil: "2026-12-14T10:00:00Z",
  reversed: 30,
  redeemed: 500,
  redeemedValue: { amount: 5, currency: "USD" },
};

export const orderRecovery = {
  abandonedCheckout: {
    token: "6f1c0c0e-0000-4000-8000-000000000001",
    status: "RECOVERED",
    detectedAt: "2026-11-02T08:00:00Z",
    stage: 2,
    remindersSent: 2,
    variant: "ten-percent" as string | null,
    total: { amount: 50, currency: "USD" },
  },
  offer: { code: "CART-ABC", status: "USED", discountType: "percentage", value: 10, scope: "items" },
  discount: { amount: 5, currency: "USD" },
};
