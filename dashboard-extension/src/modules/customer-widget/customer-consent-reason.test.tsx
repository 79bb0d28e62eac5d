// @vitest-environment jsdom
// Its own file, one test (see customer-consent.test.tsx).
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { channels, renderWithApi } from "../../test/render-with-api";
import { CustomerWidget } from "./customer-widget";
import { consentSet, crm, segments } from "./test-answers";

afterEach(cleanup);

const REASON_REQUIRED = {
  field: "reason",
  code: "REASON_REQUIRED",
  message: "The customer withdrew this consent: only they can give it again, or give a reason, which is recorded with your name in their history.",
};

describe("customer widget: giving back a withdrawn consent", () => {
  it("shows REASON_REQUIRED beside the reason, then sends the reason given", async () => {
    // The page still says "never answered"; the customer has since unsubscribed, so the
    // API refuses a re-grant without a reason.
    const { calls } = renderWithApi(<CustomerWidget customerId="VXNlcjoy" channel={null} permissions={["MANAGE_USERS"]} />, {
      CrmChannels: channels,
      CustomerCrm: crm({ consent: null }),
      CustomerSegmentsAndRfm: segments,
      CustomerConsentSet: (variables) =>
        variables.reason ? consentSet({ granted: true, source: "staff", updatedAt: "2026-12-01T10:00:00Z" }) : consentSet(null, [REASON_REQUIRED]),
    });
    await waitFor(() => expect(screen.getByTestId("consent-state").textContent).toContain("Never answered"));
    fireEvent.click(screen.getByTestId("consent-given"));
    expect(screen.getByTestId("consent-given-confirm").textContent).toContain("How did the customer agree? (optional, e.g. phone call on 1 Dec)");
    fireEvent.click(screen.getByTestId("consent-given-yes"));

    await waitFor(() => expect(screen.getByTestId("form-errors").textContent).toBe(`reason: ${REASON_REQUIRED.message}`));
    expect(screen.getByTestId("consent-state").textContent).toContain("Never answered");
    expect(screen.getByTestId("consent-reason")).toBeTruthy();

    fireEvent.change(screen.getByTestId("consent-reason"), { target: { value: " Phone call on 1 Dec " } });
    fireEvent.click(screen.getByTestId("consent-given-yes"));
    await waitFor(() => expect(screen.getByTestId("consent-state").textContent).toBe("Given by staff on Dec 1, 2026."));
    expect(screen.queryByTestId("consent-reason")).toBeNull();
    expect(calls.filter((call) => call.operationName === "CustomerConsentSet").map((call) => call.variables)).toEqual([
      { customerId: "VXNlcjoy", granted: true },
      { customerId: "VXNlcjoy", granted: true, reason: "Phone call on 1 Dec" },
    ]);
  });
});
