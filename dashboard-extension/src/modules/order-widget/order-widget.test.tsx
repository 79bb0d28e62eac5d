// @vitest-environment jsdom
import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { renderWithApi } from "../../test/render-with-api";
import { OrderWidget } from "./order-widget";
import { orderLoyalty, orderRecovery } from "./test-answers";

afterEach(cleanup);

const order = (overrides: Record<string, unknown> = {}) => ({
  data: {
    order: {
      id: "T3JkZXI6MQ==",
      number: "1042",
      channel: { slug: "default-channel", name: "Default Channel" },
      user: { id: "VXNlcjoy" },
      crmLoyalty: orderLoyalty,
      crmRecovery: orderRecovery,
      ...overrides,
    },
  },
});

const permissions = ["MANAGE_ORDERS", "MANAGE_USERS"];

describe("order widget", () => {
  it("shows the order's points and the cart it recovered, with MANAGE_ORDERS and MANAGE_USERS only", async () => {
    const { calls } = renderWithApi(<OrderWidget orderId="T3JkZXI6MQ==" permissions={permissions} />, { OrderCrm: order() });
    await waitFor(() => expect(screen.getByTestId("order-earned").textContent).toContain("120"));
    expect(screen.getByTestId("order-pending").textContent).toContain("until Dec 14, 2026");
    expect(screen.getByTestId("order-redeemed").textContent).toContain("paid $5.00");
    expect(screen.getByTestId("recovery-offer").textContent).toContain("used · 10% off the cart's items");
    expect(screen.getByTestId("recovery-discount").textContent).toContain("$5.00");
    expect(calls.map((call) => call.operationName)).toEqual(["OrderCrm"]);
  });

  it("says when the programme is off and the order has no points", async () => {
    renderWithApi(<OrderWidget orderId="T3JkZXI6MQ==" permissions={permissions} />, {
      OrderCrm: order({ crmLoyalty: null, crmRecovery: null }),
      OrderProgramme: { data: { loyaltyProgram: { isActive: false } } },
    });
    await waitFor(() => expect(screen.getByTestId("inactive-programme").textContent).toContain("Default Channel"));
    expect(screen.getByTestId("order-recovery").textContent).toContain("Not from an abandoned cart.");
  });

  it("explains a missing permission instead of failing", () => {
    renderWithApi(<OrderWidget orderId="T3JkZXI6MQ==" permissions={["MANAGE_ORDERS"]} />, {});
    expect(screen.getByTestId("missing-permission").textContent).toContain("MANAGE_USERS");
  });
});
