// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { permissionDenied, renderWithApi } from "../../test/render-with-api";
import { SettingsTab } from "./settings-tab";

afterEach(cleanup);

const configuration = (values: Record<string, string>) =>
  Object.entries(values).map(([name, value]) => ({ name, value, type: "STRING", label: name, helpText: "" }));

const plugin = (values: Record<string, string>) => ({
  data: {
    plugin: {
      id: "saleor.crm",
      name: "CRM",
      channelConfigurations: [
        { active: true, channel: { id: "Q2hhbm5lbDox", slug: "default-channel", name: "Default Channel", currencyCode: "USD" }, configuration: configuration(values) },
      ],
    },
  },
});

const base = {
  earn_points: "1",
  earn_amount: "1.00",
  earn_rounding: "floor",
  pending_period: "14d",
  points_expire_after: "365d",
  expiry_warning_before: "30d",
  tier_basis: "spend",
  tier_window: "365d",
  tiers: "Silver | 500 | 1.25",
  signup_bonus: "0",
  birthday_bonus: "0",
  point_value: "0.01",
  redemption_max_percent: "100",
  redemption_min_points: "0",
  redemption_hold: "24h",
  cart_recovery_enabled: "false",
  cart_recovery_stages: "1h | reminder",
  cart_offer: "none",
  cart_min_total: "0",
  message_frequency_cap: "24h",
  cart_messages_per_run: "500",
};

describe("programme settings", () => {
  it("explains a missing MANAGE_PLUGINS", async () => {
    renderWithApi(<SettingsTab channelSlug="default-channel" />, {
      CrmPluginSettings: { data: { plugin: null }, errors: [permissionDenied("MANAGE_PLUGINS", ["plugin"])] },
    });
    await waitFor(() => expect(screen.getByTestId("missing-permission").textContent).toContain("Manage plugins (MANAGE_PLUGINS)"));
  });

  it("validates as staff type, names every field, and saves only the changes", async () => {
    const { calls } = renderWithApi(<SettingsTab channelSlug="default-channel" />, {
      CrmPluginSettings: plugin(base),
      CrmPluginUpdate: { data: { pluginUpdate: { plugin: null, errors: [] } } },
    });
    await waitFor(() => screen.getByTestId("settings"));
    const tiers = screen.getByTestId("field-tiers");
    fireEvent.click(within(tiers).getByText("+ Tier"));
    expect(screen.getByTestId("settings-problems").textContent).toContain('Tiers, line 2 ("New tier |  | 1"): \'\' is not a number.');
    const inputs = Array.from(tiers.querySelectorAll("input"));
    fireEvent.change(inputs[3]!, { target: { value: "Gold" } });
    fireEvent.change(inputs[4]!, { target: { value: "2000" } });
    fireEvent.change(inputs[5]!, { target: { value: "1.5" } });
    expect(screen.queryByTestId("settings-problems")).toBeNull();
    fireEvent.click(screen.getByTestId("save-settings"));
    await waitFor(() => expect(calls.some((call) => call.operationName === "CrmPluginUpdate")).toBe(true));
    expect(calls.find((call) => call.operationName === "CrmPluginUpdate")?.variables).toEqual({
      channelId: "Q2hhbm5lbDox",
      input: { active: true, configuration: [{ name: "tiers", value: "Silver | 500 | 1.25\nGold | 2000 | 1.5" }] },
    });
  });

  it("shows the server's errors under the field they name", async () => {
    const message = "Reminder template: {{checkout_ur}} is not a variable (did you mean {{checkout.url}}?)";
    renderWithApi(<SettingsTab channelSlug="default-channel" />, {
      CrmPluginSettings: plugin(base),
      CrmPluginUpdate: { data: { pluginUpdate: { plugin: null, errors: [{ field: "cartRecoveryStages", code: "INVALID", message }] } } },
    });
    await waitFor(() => screen.getByTestId("settings"));
    fireEvent.change(screen.getByTestId("field-earn_points").querySelector("input")!, { target: { value: "5" } });
    fireEvent.click(screen.getByTestId("save-settings"));
    await waitFor(() => expect(screen.getByTestId("field-cart_recovery_stages").textContent).toContain(message));
    expect(screen.getByTestId("form-errors").textContent).toContain(message);
  });
});
