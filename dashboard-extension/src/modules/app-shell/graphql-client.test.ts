import type { AppBridge } from "@saleor/app-sdk/app-bridge";
import { describe, expect, it, vi } from "vitest";

import { CrmChannelsDocument } from "../../generated/graphql";
import { createGraphQLClient } from "./graphql-client";

describe("GraphQL client", () => {
  it("POSTs every operation with the AppBridge token read at request time", async () => {
    let token = "first-token";
    const appBridge = { getState: () => ({ token }) } as unknown as AppBridge;
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ data: { channels: [] } }), { headers: { "Content-Type": "application/json" } }));
    const client = createGraphQLClient(appBridge, "https://shop.example.com/graphql/", fetchMock as unknown as typeof fetch);

    await client.query(CrmChannelsDocument, {}).toPromise();
    token = "refreshed-token";
    await client.query(CrmChannelsDocument, {}, { requestPolicy: "network-only" }).toPromise();

    expect(fetchMock).toHaveBeenCalledTimes(2);
    const calls = fetchMock.mock.calls as unknown as [string, RequestInit][];
    expect(calls[0]?.[0]).toBe("https://shop.example.com/graphql/");
    expect(calls[0]?.[1].method).toBe("POST");
    expect(new Headers(calls[0]?.[1].headers).get("Authorization-Bearer")).toBe("first-token");
    expect(new Headers(calls[1]?.[1].headers).get("Authorization-Bearer")).toBe("refreshed-token");
  });
});
