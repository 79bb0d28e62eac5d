import { describe, expect, it } from "vitest";

import { orderPoints } from "./order-points";

const entry = (type: string, points: number, orderId: string | null, status = "AVAILABLE", availableAt: string | null = null) => ({
  type,
  points,
  orderId,
  status,
  availableAt,
});

describe("orderPoints", () => {
  it("sums the entries of this order only", () => {
    expect(
      orderPoints(
        [
          entry("EARN", 120, "O1", "PENDING", "2026-12-14T10:00:00Z"),
          entry("REVERSE", -30, "O1"),
          entry("REDEEM", -500, "O1"),
          entry("RELEASE", 100, "O1"),
          entry("EARN", 80, "O2"),
          entry("ADJUST", 50, null),
        ],
        "O1",
      ),
    ).toEqual({ earned: 120, pending: 120, pendingUntil: "2026-12-14T10:00:00Z", reversed: 30, redeemed: 500, released: 100, entryCount: 4 });
  });

  it("is all zeros for an order without points", () => {
    expect(orderPoints([entry("EARN", 80, "O2")], "O1")).toEqual({
      earned: 0,
      pending: 0,
      pendingUntil: null,
      reversed: 0,
      redeemed: 0,
      released: 0,
      entryCount: 0,
    });
  });
});
