/*
 * The order widget's figures, shaped from `Order.crmLoyalty` and `Order.crmRecovery`
 * for a display-only component.
 */
import { formatMoney, formatMoneyObject, type MoneyLike } from "../money/format-money";
import { formatDate } from "../ui/dates";

export interface OrderLoyaltyLike {
  earned: number;
  pending: number;
  pendingUntil: string | null;
  reversed: number;
  redeemed: number;
  redeemedValue: MoneyLike;
}

export interface StatLine {
  label: string;
  value: string;
  hint?: string;
  testId?: string;
}

export type OrderPointsView =
  | { kind: "guest" }
  | { kind: "inactive" }
  | { kind: "none" }
  | { kind: "points"; stats: StatLine[] };

const count = (points: number) => points.toLocaleString("en-US");

/**
 * What the points section shows: a guest order earns nothing; an order the ledger knows
 * nothing about (`crmLoyalty` null) is either in a channel without the programme or not
 * paid in full yet.
 */
export function orderPointsView(loyalty: OrderLoyaltyLike | null, { isGuest, programmeActive }: { isGuest: boolean; programmeActive: boolean | null }): OrderPointsView {
  if (!loyalty) {
    if (isGuest) return { kind: "guest" };
    return programmeActive === false ? { kind: "inactive" } : { kind: "none" };
  }
  const stats: StatLine[] = [
    { label: "Earned", value: count(loyalty.earned), testId: "order-earned" },
    { label: "Pending", value: count(loyalty.pending), hint: loyalty.pending > 0 && loyalty.pendingUntil ? `until ${formatDate(loyalty.pendingUntil)}` : undefined, testId: "order-pending" },
    { label: "Reversed", value: count(loyalty.reversed), hint: "refunds, cancellation", testId: "order-reversed" },
    {
      label: "Redeemed",
      value: count(loyalty.redeemed),
      hint: loyalty.redeemed > 0 ? `paid ${formatMoneyObject(loyalty.redeemedValue)}` : "paid with points",
      testId: "order-redeemed",
    },
  ];
  return { kind: "points", stats };
}

export interface OfferLike {
  code: string;
  status: string;
  discountType: string;
  value: number;
  scope: string;
}

export interface OrderRecoveryLike {
  abandonedCheckout: {
    status: string;
    detectedAt: string;
    stage: number;
    remindersSent: number;
    variant: string | null;
    total: MoneyLike;
  };
  offer: OfferLike | null;
  discount: MoneyLike | null;
}

/** "10% off the cart's items", "$5.00 off the order", "free shipping". */
export function offerTerms(offer: OfferLike, currency: string): string {
  if (offer.discountType === "free_shipping") return "free shipping";
  const amount = offer.discountType === "percentage" ? `${offer.value}%` : formatMoney(offer.value, currency);
  return `${amount} off ${offer.scope === "order" ? "the order" : "the cart's items"}`;
}

/** The recovery section's lines; null when the order completed no abandoned checkout. */
export function orderRecoveryStats(recovery: OrderRecoveryLike | null): StatLine[] | null {
  if (!recovery) return null;
  const cart = recovery.abandonedCheckout;
  const reminded = cart.remindersSent === 1 ? "1 reminder" : `${cart.remindersSent} reminders`;
  const stats: StatLine[] = [
    {
      label: cart.status === "RECOVERED" ? "Recovered cart" : "Completed cart",
      value: formatMoneyObject(cart.total),
      hint: `abandoned ${formatDate(cart.detectedAt)}`,
      testId: "recovery-cart",
    },
    { label: "Reminders", value: reminded, hint: cart.variant ? `variant ${cart.variant}` : undefined, testId: "recovery-reminders" },
    {
      label: "Offer",
      value: recovery.offer?.code ?? "none",
      hint: recovery.offer ? `${recovery.offer.status.toLowerCase()} · ${offerTerms(recovery.offer, cart.total.currency)}` : undefined,
      testId: "recovery-offer",
    },
    { label: "Discount", value: formatMoneyObject(recovery.discount), testId: "recovery-discount" },
  ];
  return stats;
}
