/*
 * Component tests: the real provider stack (macaw theme, AppBridge, urql) in jsdom, with
 * `fetch` answering each GraphQL operation by name, as Saleor's /graphql/ would.
 * Give mutation answers their `__typename`, as Saleor does: urql's document cache reads
 * it to decide which queries a mutation invalidates.
 */
import { AppBridge, AppBridgeProvider } from "@saleor/app-sdk/app-bridge";
import { ThemeProvider } from "@saleor/macaw-ui-next";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { Provider } from "urql";
import { vi } from "vitest";

import { createGraphQLClient } from "../modules/app-shell/graphql-client";

export type Answer = { data?: unknown; errors?: unknown[] } | ((variables: Record<string, unknown>) => { data?: unknown; errors?: unknown[] });

export interface ApiCall {
  operationName: string;
  variables: Record<string, unknown>;
}

class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}

export function renderWithApi(element: ReactElement, answers: Record<string, Answer>) {
  globalThis.ResizeObserver ??= NoopResizeObserver as unknown as typeof ResizeObserver;
  const calls: ApiCall[] = [];
  const fetchMock = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body ?? "{}")) as { query: string; operationName?: string; variables?: Record<string, unknown> };
    const operationName = body.operationName ?? body.query.match(/(?:query|mutation)\s+(\w+)/)?.[1] ?? "";
    calls.push({ operationName, variables: body.variables ?? {} });
    const answer = answers[operationName];
    const payload = typeof answer === "function" ? answer(body.variables ?? {}) : (answer ?? { errors: [{ message: `no answer for ${operationName}` }] });
    return new Response(JSON.stringify(payload), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  const appBridge = new AppBridge({ saleorApiUrl: "http://saleor.test/graphql/", autoNotifyReady: false });
  const client = createGraphQLClient(appBridge, "http://saleor.test/graphql/", fetchMock as unknown as typeof fetch);
  const view = render(
    <ThemeProvider>
      <AppBridgeProvider appBridgeInstance={appBridge}>
        <Provider value={client}>{element}</Provider>
      </AppBridgeProvider>
    </ThemeProvider>,
  );
  return { ...view, calls };
}

export const permissionDenied = (permission: string, path: string[]) => ({
  message: `To access this path, you need one of the following permissions: ${permission}`,
  path,
  extensions: { exception: { code: "PermissionDenied" } },
});

export const channels = {
  data: {
    channels: [{ __typename: "Channel", id: "Q2hhbm5lbDox", slug: "default-channel", name: "Default Channel", currencyCode: "USD", isActive: true }],
  },
};
