/*
 * An order's points, read from the customer's ledger entries that name it: earned (and
 * until when pending), reversed by refunds or cancellation, redeemed to pay for it.
 */

export interface LedgerEntryLike {
  points: number;
  type: string;
  status: string;
  availableAt: string | null;
  orderId: string | null;
}

export interface OrderPoints {
  earned: number;
  pending: number;
  pendingUntil: string | null;
  reversed: number;
  redeemed: number;
  released: number;
  entryCount: number;
}

export function orderPoints(entries: readonly LedgerEntryLike[], orderId: string): OrderPoints {
  const mine = entries.filter((entry) => entry.orderId === orderId);
  const summary: OrderPoints = { earned: 0, pending: 0, pendingUntil: null, reversed: 0, redeemed: 0, released: 0, entryCount: mine.length };
  for (const entry of mine) {
    switch (entry.type) {
      case "EARN":
        summary.earned += entry.points;
        if (entry.status === "PENDING") {
          summary.pending += entry.points;
          if (entry.availableAt && (!summary.pendingUntil || entry.availableAt > summary.pendingUntil)) {
            summary.pendingUntil = entry.availableAt;
          }
        }
        break;
      case "REVERSE":
        summary.reversed += Math.abs(entry.points);
        break;
      case "REDEEM":
        summary.redeemed += Math.abs(entry.points);
        break;
      case "RELEASE":
        summary.released += Math.abs(entry.points);
        break;
      default:
        break;
    }
  }
  return summary;
}
