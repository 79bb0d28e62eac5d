// @vitest-environment jsdom
// Its own file: in one file, a second test that runs a mutation makes urql loop
// ("Maximum update depth exceeded"), as two adjust-points tests do too.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { channels, renderWithApi } from "../../test/render-with-api";
import { CustomerWidget } from "./customer-widget";
import { crm, segments } from "./test-answers";

afterEach(cleanup);

describe("customer widget: marketing consent", () => {
  it("shows the consent answer just recorded", async () => {
    const withdrawn = { granted: false, source: "staff", updatedAt: "2026-11-30T10:00:00Z" };
    const { calls } = renderWithApi(<CustomerWidget customerId="VXNlcjoy" channel={null} permissions={["MANAGE_USERS"]} />, {
      CrmChannels: channels,
      CustomerCrm: crm({ consent: null }),
      CustomerSegmentsAndRfm: segments,
      CustomerConsentSet: {
        data: {
          customerMarketingConsentSet: {
            __typename: "CustomerMarketingConsentSet",
            granted: false,
            user: { __typename: "User", id: "VXNlcjoy", crmMarketingConsent: { __typename: "CustomerMarketingConsent", ...withdrawn } },
            errors: [],
          },
        },
      },
    });
    await waitFor(() => expect(screen.getByTestId("consent-state").textContent).toContain("Never answered"));
    fireEvent.click(screen.getByTestId("consent-withdrawn"));
    fireEvent.click(screen.getByTestId("consent-withdrawn-yes"));
    await waitFor(() => expect(screen.getByTestId("consent-state").textContent).toBe("Withdrawn by staff on Nov 30, 2026."));
    expect(calls.find((call) => call.operationName === "CustomerConsentSet")?.variables).toEqual({ customerId: "VXNlcjoy", granted: false });
  });
});
