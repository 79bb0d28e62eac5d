// @vitest-environment jsdom
import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { permissionDenied, renderWithApi } from "../../test/render-with-api";
import { CartRecoveryTab } from "./cart-recovery-tab";

afterEach(cleanup);

const channel = { id: "Q2hhbm5lbDox", slug: "default-channel", name: "Default Channel", currencyCode: "USD" };
const money = (amount: number) => ({ amount, currency: "USD" });

describe("cart recovery tab", () => {
  it("names the missing permission when the API refuses", async () => {
    renderWithApi(<CartRecoveryTab channel={channel} />, {
      CartRecoveryOverview: { data: { cartRecoveryStats: null }, errors: [permissionDenied("MANAGE_CHECKOUTS", ["cartRecoveryStats"])] },
      AbandonedCheckoutList: { data: { abandonedCheckouts: null }, errors: [permissionDenied("MANAGE_CHECKOUTS", ["abandonedCheckouts"])] },
    });
    await waitFor(() => expect(screen.getAllByTestId("missing-permission")).toHaveLength(2));
    expect(screen.getAllByTestId("missing-permission")[0]?.textContent).toContain("Manage checkouts (MANAGE_CHECKOUTS)");
  });

  it("shows results, the funnel, the A/B reading and the list", async () => {
    const { calls } = renderWithApi(<CartRecoveryTab channel={channel} />, {
      CartRecoveryOverview: {
        data: {
          cartRecoveryStats: {
            detected: 12,
            reminded: 9,
            recovered: 5,
            recoveryRate: 5 / 9,
            recoveredRevenue: money(380),
            discountCost: money(8),
            byStage: [
              { stage: 1, reminded: 9, recovered: 3, recoveryRate: 1 / 3, recoveredRevenue: { amount: 250 }, discountCost: { amount: 0 } },
              { stage: 2, reminded: 5, recovered: 2, recoveryRate: 0.4, recoveredRevenue: { amount: 130 }, discountCost: { amount: 8 } },
            ],
            byVariant: [
              { name: "holdout", isReference: true, reminded: 4, recovered: 1, recoveryRate: 0.25, pValue: null, recoveredRevenue: { amount: 80 }, discountCost: { amount: 0 } },
              { name: "ten", isReference: false, reminded: 5, recovered: 4, recoveryRate: 0.8, pValue: 0.0989, recoveredRevenue: { amount: 300 }, discountCost: { amount: 8 } },
            ],
          },
        },
      },
      AbandonedCheckoutList: {
        data: {
          abandonedCheckouts: {
            totalCount: 1,
            pageInfo: { hasNextPage: false, endCursor: null },
            edges: [
              {
                node: {
                  id: "1",
                  token: "t",
                  email: "bob@example.com",
                  status: "RECOVERED",
                  stage: 2,
                  linesCount: 2,
                  remindersSent: 2,
                  variant: "ten",
                  detectedAt: "2026-11-20T10:00:00Z",
                  nextStageAt: null,
                  closedAt: "2026-11-21T10:00:00Z",
                  total: money(80),
                  offer: { code: "CART-BOB", status: "USED" },
                },
              },
            ],
          },
        },
      },
    });
    await waitFor(() => expect(screen.getByTestId("recovered").textContent).toContain("55.6%"));
    expect(screen.getByTestId("detected").textContent).toContain("12");
    expect(screen.getByTestId("funnel-summary").textContent).toBe("Of 12 checkouts detected as abandoned, 9 were reminded and 5 recovered (41.7% of all).");
    const overview = calls.find((call) => call.operationName === "CartRecoveryOverview");
    const list = calls.find((call) => call.operationName === "AbandonedCheckoutList");
    expect(list?.variables.detectedAt).toEqual(overview?.variables.period);
    expect(list?.variables.detectedAt).toMatchObject({ gte: expect.any(String) });
    expect(screen.getByTestId("ab-test").textContent).toContain("no clear difference");
    expect(screen.getByTestId("ab-test").textContent).toContain("0.0989");
    expect(screen.getByTestId("abandoned-checkouts").textContent).toContain("CART-BOB (used)");
  });
});
