// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { permissionDenied, renderWithApi } from "../../test/render-with-api";
import { JourneysTab } from "./journeys-tab";

afterEach(cleanup);

const channel = { id: "Q2hhbm5lbDox", slug: "default-channel", name: "Default Channel", currencyCode: "USD" };
const money = (amount: number) => ({ amount, currency: "USD" });
const cells = (table: HTMLElement) => Array.from(table.querySelectorAll("tbody tr")).map((row) => Array.from(row.querySelectorAll("td")).map((cell) => cell.textContent));

const winBack = {
  __typename: "Journey",
  id: "Sm91cm5leTox",
  kind: "WIN_BACK",
  name: "Win-back",
  enabled: true,
  holdoutPercent: 10,
  triggerSettings: { days: 90, daysBefore: null, churnRiskPercent: 0, segment: null },
  stages: [
    { number: 1, delay: "1h", delaySeconds: 3600, subject: "We miss you, {{customer.first_name}}", body: "<p>b1</p>", offerPoints: 200 },
    { number: 2, delay: "14d", delaySeconds: 1209600, subject: "You have {{loyalty.balance}} points", body: "<p>b2</p>", offerPoints: 0 },
  ],
  stats: {
    entered: 40,
    heldOut: 4,
    sent: 50,
    converted: 9,
    holdoutConverted: 0,
    revenue: money(720),
    offerCost: money(18),
    uplift: { treatedRate: 0.25, holdoutRate: 0, difference: 0.25, low: 0.109, high: 0.391 },
    stages: [
      { stage: 1, sent: 36, skipped: 4, failed: 0, converted: 6, revenue: { amount: 480 }, offerCost: { amount: 18 } },
      { stage: 2, sent: 14, skipped: 0, failed: 1, converted: 3, revenue: { amount: 240 }, offerCost: { amount: 0 } },
    ],
  },
};

describe("journeys tab", () => {
  it("names the missing permission when the API refuses", async () => {
    renderWithApi(<JourneysTab channel={channel} />, {
      Journeys: { data: null, errors: [permissionDenied("MANAGE_USERS", ["journeys"])] },
    });
    await waitFor(() => expect(screen.getByTestId("missing-permission").textContent).toContain("Manage customers (MANAGE_USERS)"));
  });

  it("offers every built-in kind and enables one in one click", async () => {
    let created = false;
    const { calls } = renderWithApi(<JourneysTab channel={channel} />, {
      Journeys: () => ({ data: { journeys: created ? [winBack] : [] } }),
      JourneyCreate: () => {
        created = true;
        return { data: { journeyCreate: { __typename: "JourneyCreate", journey: winBack, errors: [] } } };
      },
    });
    await waitFor(() => screen.getByTestId("journey-WIN_BACK"));
    expect(screen.getAllByTestId("journey-status").map((status) => status.textContent)).toEqual(Array(6).fill("Not created"));
    expect(within(screen.getByTestId("journey-WIN_BACK")).getByTestId("default-stages").textContent).toContain("200 bonus points after 1 h");

    fireEvent.click(within(screen.getByTestId("journey-WIN_BACK")).getByTestId("journey-toggle"));

    await waitFor(() => expect(within(screen.getByTestId("journey-WIN_BACK")).getByTestId("journey-status").textContent).toBe("Enabled"));
    expect(calls.find((call) => call.operationName === "JourneyCreate")?.variables).toEqual({ input: { channel: "default-channel", kind: "WIN_BACK", enabled: true } });
    expect(calls.filter((call) => call.operationName === "Journeys")).toHaveLength(2);
    expect(within(screen.getByTestId("journey-WIN_BACK")).getByTestId("journey-toggle").textContent).toBe("Pause");
  });

  it("shows a journey's stages, figures, uplift and per-stage table", async () => {
    renderWithApi(<JourneysTab channel={channel} />, { Journeys: { data: { journeys: [winBack] } } });
    const card = await waitFor(() => screen.getByTestId("journey-WIN_BACK"));
    expect(within(card).getByTestId("journey-settings").textContent).toBe("Days without an order: 90 · Churn risk % (0: off): 0 · Holdout: 10 %");
    expect(cells(within(card).getByTestId("journey-stages"))).toEqual([
      ["1", "1 h", "We miss you, {{customer.first_name}}", "200"],
      ["2", "14 days", "You have {{loyalty.balance}} points", "—"],
    ]);
    expect(within(card).getByTestId("stat-entered").textContent).toBe("Entered404 held out");
    expect(within(card).getByTestId("stat-converted").textContent).toBe("Converted99 of 36 (25%)");
    expect(within(card).getByTestId("stat-revenue").textContent).toContain("$720.00");
    expect(within(card).getByTestId("stat-offer-cost").textContent).toContain("$18.00");
    expect(within(card).getByTestId("stat-uplift").textContent).toBe("Uplift+25.0 pts95 % interval +10.9 pts to +39.1 pts: messages raise conversion");
    expect(cells(within(card).getByTestId("journey-stage-stats"))).toEqual([
      ["1", "36", "4", "0", "6", "$480.00", "$18.00"],
      ["2", "14", "0", "1", "3", "$240.00", "$0.00"],
    ]);
  });

  it("shows cart recovery with its figures but nothing to change here", async () => {
    const cartRecovery = { ...winBack, id: "Sm91cm5leToy", kind: "CART_RECOVERY", name: "Cart recovery", holdoutPercent: 0, stats: { ...winBack.stats, heldOut: 0, uplift: null } };
    renderWithApi(<JourneysTab channel={channel} />, { Journeys: { data: { journeys: [cartRecovery] } } });
    const card = await waitFor(() => screen.getByTestId("journey-CART_RECOVERY"));
    expect(within(card).getByTestId("journey-status").textContent).toBe("Enabled");
    expect(within(card).queryByTestId("journey-toggle")).toBeNull();
    expect(within(card).queryByTestId("edit-journey")).toBeNull();
    expect(within(card).getByTestId("read-only-note").textContent).toContain("Programme settings → Cart recovery");
    expect(within(card).getByTestId("stat-uplift").textContent).toBe("Uplift—No holdout: the offer's A/B test is on the Cart recovery tab.");
    expect(screen.getAllByTestId("journey-toggle")).toHaveLength(6);
  });

  it("pauses an enabled journey", async () => {
    const { calls } = renderWithApi(<JourneysTab channel={channel} />, {
      Journeys: { data: { journeys: [winBack] } },
      JourneyUpdate: { data: { journeyUpdate: { __typename: "JourneyUpdate", journey: { ...winBack, enabled: false }, errors: [] } } },
    });
    const card = await waitFor(() => screen.getByTestId("journey-WIN_BACK"));
    fireEvent.click(within(card).getByTestId("journey-toggle"));
    await waitFor(() => expect(calls.some((call) => call.operationName === "JourneyUpdate")).toBe(true));
    expect(calls.find((call) => call.operationName === "JourneyUpdate")?.variables).toEqual({ id: "Sm91cm5leTox", input: { enabled: false } });
  });

  it("shows the server's error at the setting and the stage it names", async () => {
    const { calls } = renderWithApi(<JourneysTab channel={channel} />, {
      Journeys: { data: { journeys: [winBack] } },
      JourneyUpdate: {
        data: {
          journeyUpdate: {
            __typename: "JourneyUpdate",
            journey: null,
            errors: [
              { field: "triggerSettings", code: "INVALID", message: "days: 'days' is a whole number from 7 to 730.", path: "days" },
              { field: "stages", code: "INVALID_STAGES", message: "stages[1].delay: each stage comes after the one before it.", path: "stages[1].delay" },
            ],
          },
        },
      },
    });
    const card = await waitFor(() => screen.getByTestId("journey-WIN_BACK"));
    fireEvent.click(within(card).getByTestId("edit-journey"));
    fireEvent.change(within(card).getByTestId("field-triggerSettings.days").querySelector("input")!, { target: { value: "3" } });
    fireEvent.click(within(card).getByTestId("save-journey"));

    const fieldErrors = (name: string) => within(within(card).getByTestId(`field-${name}`)).queryAllByTestId("field-error").map((error) => error.textContent);
    await waitFor(() => expect(fieldErrors("triggerSettings.days")).toEqual(["'days' is a whole number from 7 to 730."]));
    expect(fieldErrors("stages[1].delay")).toEqual(["each stage comes after the one before it."]);
    expect(fieldErrors("stages[0].delay")).toEqual([]);
    expect(within(card).queryByTestId("form-errors")).toBeNull();
    expect(calls.find((call) => call.operationName === "JourneyUpdate")?.variables).toEqual({
      id: "Sm91cm5leTox",
      input: {
        holdoutPercent: 10,
        triggerSettings: { days: 3, churnRiskPercent: 0 },
        stages: [
          { delay: "1h", subject: "We miss you, {{customer.first_name}}", body: "<p>b1</p>", offerPoints: 200 },
          { delay: "14d", subject: "You have {{loyalty.balance}} points", body: "<p>b2</p>", offerPoints: 0 },
        ],
      },
    });
  });
});
