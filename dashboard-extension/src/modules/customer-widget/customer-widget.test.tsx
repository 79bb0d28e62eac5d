// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "@testing-library/react";

import { channels, renderWithApi } from "../../test/render-with-api";
import { CustomerWidget } from "./customer-widget";
import { crm, segments } from "./test-answers";

afterEach(cleanup);

describe("customer widget", () => {
  it("explains a missing MANAGE_USERS instead of failing", () => {
    renderWithApi(<CustomerWidget customerId="VXNlcjoy" channel={null} permissions={["MANAGE_ORDERS"]} />, {});
    expect(screen.getByTestId("missing-permission").textContent).toContain("Manage customers (MANAGE_USERS)");
  });

  it("shows points, tier, ledger, tags and why the customer is in a segment", async () => {
    renderWithApi(<CustomerWidget customerId="VXNlcjoy" channel={null} permissions={["MANAGE_USERS"]} />, {
      CrmChannels: channels,
      CustomerCrm: crm(),
      CustomerSegmentsAndRfm: segments,
    });
    await waitFor(() => expect(screen.getByTestId("balance").textContent).toContain("1,200"));
    expect(screen.getByTestId("balance").textContent).toContain("$12.00");
    expect(screen.getByTestId("tier").textContent).toContain("Gold at 2,000");
    expect(screen.getByTestId("ledger").textContent).toContain("Late delivery goodwill");
    expect(screen.getByTestId("tag-vip")).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("segments").textContent).toContain("Total spent > 500 (actual: 812.40)"));
    expect(screen.getByTestId("consent-state").textContent).toBe("Given by the customer on Mar 1, 2026.");
  });

  it("says when the programme is off in the channel", async () => {
    renderWithApi(<CustomerWidget customerId="VXNlcjoy" channel={null} permissions={["MANAGE_USERS"]} />, {
      CrmChannels: channels,
      CustomerCrm: crm({ isActive: false }),
      CustomerSegmentsAndRfm: segments,
    });
    await waitFor(() => expect(screen.getByTestId("inactive-programme").textContent).toContain("Default Channel"));
    expect(screen.queryByTestId("adjust-form")).toBeNull();
  });

  it("adjusts points only after a reason and a confirmation", async () => {
    const { calls } = renderWithApi(<CustomerWidget customerId="VXNlcjoy" channel={null} permissions={["MANAGE_USERS"]} />, {
      CrmChannels: channels,
      CustomerCrm: crm(),
      CustomerSegmentsAndRfm: segments,
      CustomerPointsAdjust: {
        data: {
          loyaltyPointsAdjust: {
            account: { balance: 1350, pending: 300 },
            entry: { id: "e2", points: 150, type: "ADJUST", reason: "Goodwill", createdAt: "2026-11-30T10:00:00Z" },
            errors: [],
          },
        },
      },
    });
    await waitFor(() => screen.getByTestId("adjust-form"));
    fireEvent.change(screen.getByTestId("adjust-points"), { target: { value: "150" } });
    fireEvent.click(screen.getByTestId("adjust-submit"));
    expect(screen.getByTestId("adjust-form").textContent).toContain("A reason is required");
    fireEvent.change(screen.getByTestId("adjust-reason"), { target: { value: "Goodwill" } });
    fireEvent.click(screen.getByTestId("adjust-submit"));
    expect(screen.getByTestId("adjust-confirm").textContent).toContain("The balance becomes 1,350");
    expect(calls.some((call) => call.operationName === "CustomerPointsAdjust")).toBe(false);
    fireEvent.click(screen.getByTestId("adjust-confirm-button"));
    await waitFor(() => expect(calls.some((call) => call.operationName === "CustomerPointsAdjust")).toBe(true));
    const adjust = calls.find((call) => call.operationName === "CustomerPointsAdjust");
    expect(adjust?.variables).toMatchObject({ customerId: "VXNlcjoy", channel: "default-channel", points: 150, reason: "Goodwill" });
    expect(typeof adjust?.variables.idempotencyKey).toBe("string");
  });
});
