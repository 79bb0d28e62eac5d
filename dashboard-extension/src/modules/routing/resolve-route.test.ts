import { describe, expect, it } from "vitest";

import { appTabHref, resolveRoute } from "./resolve-route";

const base = "/plugins/saleor.crm/dashboard/";

describe("resolveRoute", () => {
  it("opens the customer widget with the Dashboard's customerId", () => {
    expect(
      resolveRoute(`${base}widgets/customer`, "?id=QXBwOjE%3D&theme=light&customerId=VXNlcjoy&saleorApiUrl=x", base),
    ).toEqual({ view: "customer-widget", customerId: "VXNlcjoy", channel: null });
  });

  it("opens the order widget", () => {
    expect(resolveRoute(`${base}widgets/order/`, "?orderId=T3JkZXI6MQ%3D%3D", base)).toEqual({
      view: "order-widget",
      orderId: "T3JkZXI6MQ==",
    });
    expect(resolveRoute(`${base}widgets/order`, "", base)).toEqual({ view: "order-widget", orderId: null });
  });

  it("opens the app page and its tabs", () => {
    expect(resolveRoute(`${base}app`, "", base)).toEqual({ view: "app", tab: "segments", segmentId: null, channel: null });
    expect(resolveRoute(base, "", base)).toEqual({ view: "app", tab: "segments", segmentId: null, channel: null });
    expect(resolveRoute("/plugins/saleor.crm/dashboard", "", base)).toMatchObject({ view: "app", tab: "segments" });
    expect(resolveRoute(`${base}app/cart-recovery`, "?channel=default-channel", base)).toEqual({
      view: "app",
      tab: "cart-recovery",
      segmentId: null,
      channel: "default-channel",
    });
    expect(resolveRoute(`${base}app/segments/Q3VzdG9tZXJTZWdtZW50OjE%3D`, "", base)).toMatchObject({ segmentId: "Q3VzdG9tZXJTZWdtZW50OjE=" });
    expect(resolveRoute(`${base}app/segments/Q3VzdG9tZXJTZWdtZW50OjE=`, "", base)).toMatchObject({
      tab: "segments",
      segmentId: "Q3VzdG9tZXJTZWdtZW50OjE=",
    });
    expect(resolveRoute(`${base}app/journeys`, "", base)).toMatchObject({ view: "app", tab: "journeys" });
    expect(resolveRoute(`${base}app/unknown`, "", base)).toMatchObject({ view: "app", tab: "segments" });
  });

  it("works under another base and reports unknown paths", () => {
    expect(resolveRoute("/crm/widgets/customer", "?customerId=1", "/crm")).toMatchObject({ view: "customer-widget", customerId: "1" });
    expect(resolveRoute(`${base}widgets/product`, "", base)).toEqual({ view: "not-found", path: "widgets/product" });
  });
});

describe("appTabHref", () => {
  it("keeps the Dashboard's parameters", () => {
    expect(appTabHref(base, "loyalty", "?id=A&theme=dark", { channel: "c1" })).toBe(
      `${base}app/loyalty?id=A&theme=dark&channel=c1`,
    );
    expect(appTabHref(base, "segments", "?channel=c1", { channel: null })).toBe(`${base}app/segments`);
  });
});
