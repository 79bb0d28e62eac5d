// @vitest-environment jsdom
// Its own file, one test: in one file, a test that runs after another that clicked
// through the widget makes urql loop ("Maximum update depth exceeded"), as two
// adjust-points tests do too. REASON_REQUIRED is in customer-consent-reason.test.tsx.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { channels, renderWithApi } from "../../test/render-with-api";
import { CustomerWidget } from "./customer-widget";
import { consentSet, crm, segments } from "./test-answers";

afterEach(cleanup);

describe("customer widget: marketing consent", () => {
  it("records a withdrawal without a reason, and gives consent back only with one", async () => {
    const { calls } = renderWithApi(<CustomerWidget customerId="VXNlcjoy" channel={null} permissions={["MANAGE_USERS"]} />, {
      CrmChannels: channels,
      CustomerCrm: crm({ consent: null }),
      CustomerSegmentsAndRfm: segments,
      CustomerConsentSet: (variables) =>
        consentSet(variables.granted ? { granted: true, source: "staff", updatedAt: "2026-12-01T10:00:00Z" } : { granted: false, source: "staff", updatedAt: "2026-11-30T10:00:00Z" }),
    });
    const consentCalls = () => calls.filter((call) => call.operationName === "CustomerConsentSet").map((call) => call.variables);
    await waitFor(() => expect(screen.getByTestId("consent-state").textContent).toContain("Never answered"));

    // Withdrawing: the reason is optional.
    fireEvent.click(screen.getByTestId("consent-withdrawn"));
    expect(screen.getByTestId("consent-withdrawn-confirm").textContent).toContain("Reason (optional)");
    fireEvent.click(screen.getByTestId("consent-withdrawn-yes"));
    await waitFor(() => expect(screen.getByTestId("consent-state").textContent).toBe("Withdrawn by staff on Nov 30, 2026."));
    expect(consentCalls()).toEqual([{ customerId: "VXNlcjoy", granted: false }]);

    // Giving it back: the reason input appears, and Yes waits for a reason.
    fireEvent.click(screen.getByTestId("consent-given"));
    expect(screen.getByTestId("consent-given-confirm").textContent).toContain("How did the customer agree? (e.g. phone call on 1 Dec)");
    expect(screen.getByTestId("consent-reason-hint").textContent).toBe(
      "Required: the customer withdrew this consent. The reason is recorded with your name in their consent history.",
    );
    const yes = () => screen.getByTestId("consent-given-yes") as HTMLButtonElement;
    expect(yes().disabled).toBe(true);
    fireEvent.change(screen.getByTestId("consent-reason"), { target: { value: "   " } });
    expect(yes().disabled).toBe(true);
    fireEvent.change(screen.getByTestId("consent-reason"), { target: { value: " Phone call on 1 Dec " } });
    expect(yes().disabled).toBe(false);
    fireEvent.click(yes());

    await waitFor(() => expect(screen.getByTestId("consent-state").textContent).toBe("Given by staff on Dec 1, 2026."));
    expect(screen.queryByTestId("consent-reason")).toBeNull();
    expect(consentCalls()).toEqual([
      { customerId: "VXNlcjoy", granted: false },
      { customerId: "VXNlcjoy", granted: true, reason: "Phone call on 1 Dec" },
    ]);
  });
});
