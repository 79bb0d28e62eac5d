// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { channels, renderWithApi } from "../../test/render-with-api";
import { SegmentsTab } from "./segments-tab";

afterEach(cleanup);

const channel = { id: "Q2hhbm5lbDox", slug: "default-channel", name: "Default Channel", currencyCode: "USD" };

describe("segments tab", () => {
  it("shows a useful empty list", async () => {
    renderWithApi(<SegmentsTab channel={channel} segmentId={null} draft={null} openSegment={() => {}} />, {
      SegmentList: { data: { customerSegments: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } } },
    });
    await waitFor(() => expect(screen.getByTestId("empty").textContent).toContain("No segments yet"));
  });

  it("lists segments with their trend over the last 30 days", async () => {
    const history = (counts: number[]) => counts.map((memberCount, index) => ({ date: `2026-11-${String(18 + index)}`, memberCount }));
    const node = (name: string, memberCount: number, counts: number[]) => ({
      id: name,
      name,
      memberCount,
      computedAt: null,
      autoTag: null,
      channel: null,
      memberCountHistory: history(counts),
    });
    renderWithApi(<SegmentsTab channel={channel} segmentId={null} draft={null} openSegment={() => {}} />, {
      SegmentList: {
        data: {
          customerSegments: {
            totalCount: 2,
            pageInfo: { hasNextPage: false, endCursor: null },
            edges: [{ node: node("Lapsed", 40, [45, 41, 40]) }, { node: node("VIPs", 12, [10, 12, 12]) }],
          },
        },
      },
    });
    await waitFor(() => expect(screen.getByTestId("segment-trend-Lapsed").textContent).toBe("−5 in 3 days"));
    expect(screen.getByTestId("segment-trend-VIPs").textContent).toBe("+2 in 3 days");
    expect(screen.getByTestId("segment-trend-VIPs").querySelector("svg")).not.toBeNull();
  });

  it("offers the tags in use for a tags condition", async () => {
    const { calls } = renderWithApi(
      <SegmentsTab channel={channel} segmentId={null} draft={'{"field": "tags", "op": "has", "value": "v"}'} openSegment={() => {}} />,
      {
        CrmChannels: channels,
        SegmentBuilderChoices: { data: { loyaltyProgram: { tiers: [] } } },
        CustomerTags: { data: { customerTags: [{ tag: "vip", customerCount: 12, automatic: false }, { tag: "big spender", customerCount: 3, automatic: true }] } },
        SegmentPreview: { data: { customerSegmentPreview: { count: 1, entering: null, leaving: null, sample: [], errors: [] } } },
      },
    );
    await waitFor(() => expect(screen.getByText("vip · 12 customers")).toBeTruthy(), { timeout: 3000 });
    expect(screen.getByText("big spender · 3 customers · set by a segment")).toBeTruthy();
    expect(calls.find((call) => call.operationName === "CustomerTags")?.variables).toEqual({ search: "v", first: 8 });
    fireEvent.click(screen.getByText("vip · 12 customers"));
    expect((screen.getByTestId("row-value") as HTMLInputElement).value).toBe("vip");
  });

  it("previews the count as staff type, before saving", async () => {
    const { calls } = renderWithApi(
      <SegmentsTab channel={channel} segmentId={null} draft={'{"field": "rfm_group", "op": "eq", "value": "champions"}'} openSegment={() => {}} />,
      {
        CrmChannels: channels,
        SegmentBuilderChoices: { data: { loyaltyProgram: { tiers: [{ name: "Gold" }] } } },
        SegmentPreview: (variables) => ({
          data: {
            customerSegmentPreview: {
              count: String(variables.definition).includes("loyal") ? 7 : 3,
              entering: null,
              leaving: null,
              sample: [{ id: "u1", email: "ann@example.com" }],
              errors: [],
            },
          },
        }),
      },
    );
    await waitFor(() => expect(screen.getByTestId("preview-count").textContent).toBe("3"), { timeout: 3000 });
    expect(calls.find((call) => call.operationName === "SegmentPreview")?.variables).toMatchObject({
      definition: '{"field":"rfm_group","op":"eq","value":"champions"}',
      channel: "default-channel",
    });
    fireEvent.change(screen.getByTestId("row-value"), { target: { value: "loyal" } });
    await waitFor(() => expect(screen.getByTestId("preview-count").textContent).toBe("7"), { timeout: 3000 });
    expect(screen.getByTestId("segment-preview").textContent).toContain("ann@example.com");
  });

  it("marks a bad value on its row without asking the server", async () => {
    const { calls } = renderWithApi(
      <SegmentsTab channel={channel} segmentId={null} draft={'{"all": [{"field": "order_count", "op": "gte", "value": 2}]}'} openSegment={() => {}} />,
      {
        CrmChannels: channels,
        SegmentBuilderChoices: { data: { loyaltyProgram: { tiers: [] } } },
        SegmentPreview: { data: { customerSegmentPreview: { count: 5, entering: null, leaving: null, sample: [], errors: [] } } },
      },
    );
    await waitFor(() => expect(screen.getByTestId("preview-count").textContent).toBe("5"), { timeout: 3000 });
    const previews = calls.filter((call) => call.operationName === "SegmentPreview").length;
    fireEvent.change(screen.getByTestId("row-value"), { target: { value: "2.5" } });
    expect(screen.getByTestId("builder-row").textContent).toContain("Enter a whole number.");
    expect(screen.getByTestId("segment-preview").textContent).toContain("Fix the marked conditions");
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(calls.filter((call) => call.operationName === "SegmentPreview").length).toBe(previews);
    expect((screen.getByTestId("save-segment") as HTMLButtonElement).disabled).toBe(true);
  });

  it("suggests countries and products for the value being typed", async () => {
    const { calls } = renderWithApi(
      <SegmentsTab channel={channel} segmentId={null} draft={'{"all": [{"field": "country", "op": "in", "value": ["DE"]}, {"field": "purchased_product", "op": "any_of", "value": ["x"]}]}'} openSegment={() => {}} />,
      {
        CrmChannels: channels,
        SegmentBuilderChoices: { data: { loyaltyProgram: { tiers: [] } } },
        BuilderCountries: { data: { shop: { countries: [{ code: "AT", country: "Austria" }, { code: "AU", country: "Australia" }, { code: "DE", country: "Germany" }] } } },
        BuilderProductSearch: { data: { products: { edges: [{ node: { id: "UHJvZHVjdDox", name: "Red Sneakers", slug: "red-sneakers" } }] } } },
        SegmentPreview: { data: { customerSegmentPreview: { count: 1, entering: null, leaving: null, sample: [], errors: [] } } },
      },
    );
    await waitFor(() => expect(screen.getAllByTestId("row-value")).toHaveLength(2));
    const [countryBox, productBox] = screen.getAllByTestId("row-value");
    fireEvent.change(countryBox!, { target: { value: "DE, austr" } });
    await waitFor(() => expect(screen.getByText("Austria (AT)")).toBeTruthy());
    fireEvent.click(screen.getByText("Austria (AT)"));
    expect((countryBox as HTMLInputElement).value).toBe("DE, AT");
    fireEvent.change(productBox!, { target: { value: "sneak" } });
    await waitFor(() => expect(screen.getByText("Red Sneakers (red-sneakers)")).toBeTruthy(), { timeout: 3000 });
    expect(calls.find((call) => call.operationName === "BuilderProductSearch")?.variables).toEqual({ search: "sneak", channel: "default-channel" });
    fireEvent.click(screen.getByText("Red Sneakers (red-sneakers)"));
    await waitFor(
      () =>
        expect(calls.filter((call) => call.operationName === "SegmentPreview").at(-1)?.variables.definition).toBe(
          '{"all":[{"field":"country","op":"in","value":["DE","AT"]},{"field":"purchased_product","op":"any_of","value":["red-sneakers"]}]}',
        ),
      { timeout: 3000 },
    );
  });
});
